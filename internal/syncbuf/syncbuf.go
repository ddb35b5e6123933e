// Package syncbuf provides a bytes.Buffer safe for concurrent writes, for
// tests that capture the output of loggers or processes written from many
// goroutines.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is an io.Writer whose writes and reads may run concurrently. Its
// zero value is an empty buffer ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
