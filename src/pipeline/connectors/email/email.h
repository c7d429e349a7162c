// The e-mail connector: one message per event, From/To/Subject/body templated from event
// fields (`{customer}` writes the customer's whole record), sent over SMTP with libcurl
// (STARTTLS or SMTPS, optional authentication; the password is never logged), or written as
// .eml files into an outbox directory (no mail server needed; complete or absent: temp name,
// fsync, rename). A rate limit (per second and per minute) holds messages back without
// counting as failures. SMTP 5xx answers and events without a recipient are dead-lettered;
// 4xx answers and connection failures are retried.
#pragma once

#include "pipeline/connectors/connector.h"

namespace caudal::pipeline::connectors {

const ConnectorDescriptor& email_connector();

}  // namespace caudal::pipeline::connectors
