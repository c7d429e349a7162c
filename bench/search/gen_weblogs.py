#!/usr/bin/env python3
"""Deterministic web-log NDJSON for bench/search/run.sh: gen_weblogs.py N > weblogs.ndjson.
One event every 10 ms from 2024-03-01T00:00:00Z; fields as an nginx/ingress log shipper writes."""
import random, sys
from datetime import datetime, timedelta, timezone

n = int(sys.argv[1])
rng = random.Random(20240301)
hosts = [f"web-{i:02d}" for i in range(1, 21)]
methods = ["GET"] * 6 + ["POST"] * 2 + ["PUT", "DELETE"]
paths = ["/api/orders", "/api/orders/{}", "/api/users/{}", "/api/cart", "/checkout", "/login",
         "/static/app.{}.js", "/health", "/search", "/api/products/{}"]
statuses = [200] * 14 + [201, 204, 301, 304, 400, 401, 403, 404, 404, 500, 502, 503]
agents = ["curl/8.4.0", "Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2) Safari/604.1", "python-requests/2.31",
          "Go-http-client/1.1", "kube-probe/1.28"]
countries = ["US", "US", "US", "DE", "FR", "ES", "BR", "JP", "IN", "GB"]
start = datetime(2024, 3, 1, tzinfo=timezone.utc)
out = sys.stdout
for i in range(n):
    ts = (start + timedelta(milliseconds=10 * i)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    method = rng.choice(methods)
    path = rng.choice(paths).format(rng.randrange(10000))
    status = rng.choice(statuses)
    ms = rng.randrange(1, 2000)
    if status >= 500:
        message = f"{method} {path} failed with {status}: upstream timeout after {ms}ms"
    else:
        message = f"{method} {path} {status} in {ms}ms"
    out.write('{"@timestamp":"%s","host":"%s","method":"%s","path":"%s","status":%d,"bytes":%d,'
              '"response_ms":%d,"user_agent":"%s","client_ip":"10.%d.%d.%d","country":"%s",'
              '"message":"%s"}\n' % (ts, rng.choice(hosts), method, path, status,
                                     rng.randrange(200, 60000), ms, rng.choice(agents),
                                     rng.randrange(256), rng.randrange(256), rng.randrange(256),
                                     rng.choice(countries), message))
