#!/usr/bin/env python3
"""An SMTP server for the e-mail connector's tests: aiosmtpd on 127.0.0.1:PORT (0: a free
one), printed on the first line of stdout. Each accepted message is written to DIR/N.eml with
an X-Envelope line first (MAIL FROM and RCPT TO). RCPT TO an address in REJECT (comma-separated)
gets 550. With USER:PASSWORD, AUTH LOGIN/PLAIN is required (without TLS: a test server)."""
import os
import socket
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

port, out_dir = int(sys.argv[1]), sys.argv[2]
reject = set(filter(None, sys.argv[3].split(","))) if len(sys.argv) > 3 else set()
credentials = sys.argv[4] if len(sys.argv) > 4 else ""

if port == 0:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()


class Handler:
    count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in reject:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        path = os.path.join(out_dir, "%04d.eml" % Handler.count)
        with open(path + ".tmp", "wb") as out:
            out.write(("X-Envelope: from=%s to=%s\r\n" % (envelope.mail_from, ",".join(envelope.rcpt_tos))).encode())
            out.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = credentials.split(":", 1)
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok)


kwargs = {}
if credentials:
    kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
print(port, flush=True)
while True:
    time.sleep(3600)
