// The `kafka` sink: a pipeline's events produced to a remote Kafka cluster (or another Caudal)
// with librdkafka. The topic is fixed or a template over the event; the key is an expression
// or the pipeline's key. Each delivery produces its records and waits for every delivery
// report: records the cluster refuses for good (too large, not authorized) are dead-lettered
// with the reason; any other failure (brokers down, timeout) retries the delivery from the
// first record not written, after the sink's backoff, so events wait and then arrive once
// each with acks=all (the idempotent producer keeps each partition's order across its own
// retries; a retry of the delivery machinery may write a record it already wrote when a later
// one of the same delivery failed: at least once). TLS and SASL settings are librdkafka
// properties, passed through (`properties:`). docs/connectors.md §kafka.
#pragma once

#include "pipeline/connectors/connector.h"

namespace caudal::pipeline::connectors {

const ConnectorDescriptor& kafka_connector();

}  // namespace caudal::pipeline::connectors
