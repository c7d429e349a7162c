// NATS JetStream publisher for bench/kafka/run.sh: publishes -n messages of -size bytes to a
// file-store stream with PublishAsync (at most -pending unacknowledged) and prints the rate at
// which the server acknowledged them (each acknowledgement means stored in the stream).
// Built in GOPATH mode against Debian's golang-github-nats-io-go-nats-dev.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	url := flag.String("url", "nats://127.0.0.1:4222", "server URL")
	count := flag.Int("n", 500000, "messages to publish")
	size := flag.Int("size", 100, "message size in bytes")
	pending := flag.Int("pending", 4096, "unacknowledged publishes allowed")
	flag.Parse()

	nc, err := nats.Connect(*url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nats_bench: connect:", err)
		os.Exit(2)
	}
	defer nc.Close()
	js, err := nc.JetStream(nats.PublishAsyncMaxPending(*pending))
	if err != nil {
		fmt.Fprintln(os.Stderr, "nats_bench: jetstream:", err)
		os.Exit(2)
	}
	stream := fmt.Sprintf("bench%d", *size)
	_, err = js.AddStream(&nats.StreamConfig{Name: stream, Subjects: []string{stream + ".>"},
		Storage: nats.FileStorage})
	if err != nil {
		fmt.Fprintln(os.Stderr, "nats_bench: add stream:", err)
		os.Exit(2)
	}
	payload := make([]byte, *size)
	subject := stream + ".events"
	start := time.Now()
	for i := 0; i < *count; i++ {
		if _, err := js.PublishAsync(subject, payload); err != nil {
			fmt.Fprintln(os.Stderr, "nats_bench: publish:", err)
			os.Exit(2)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(120 * time.Second):
		fmt.Fprintln(os.Stderr, "nats_bench: acknowledgements timed out")
		os.Exit(2)
	}
	seconds := time.Since(start).Seconds()
	info, err := js.StreamInfo(stream)
	if err != nil || info.State.Msgs != uint64(*count) {
		fmt.Fprintln(os.Stderr, "nats_bench: the stream does not hold every message:", err)
		os.Exit(2)
	}
	fmt.Printf("produce msgs=%d seconds=%.3f msg_per_s=%.0f mb_per_s=%.1f\n", *count, seconds,
		float64(*count)/seconds, float64(*count**size)/seconds/1e6)
}
