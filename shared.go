package portico

import (
	"context"
	"time"
)

// What several servers on one database share. A store that can be shared
// (PostgreSQL) implements these; a server on a store that cannot (SQLite)
// keeps them in its own process.

// Exclusive runs work that one server at a time must do, such as applying
// what falls due.
type Exclusive interface {
	// TryExclusive runs fn unless another process is running work of the
	// same name, and reports whether it ran. A process that dies lets go.
	TryExclusive(ctx context.Context, name string, fn func(context.Context) error) (ran bool, err error)
}

// SharedSecrets keeps secrets every replica must agree on, such as the key
// that signs portal sessions when none is set in the environment.
type SharedSecrets interface {
	// Secret returns the secret of that name, storing generate()'s value
	// first when there is none: concurrent first calls agree on one.
	Secret(ctx context.Context, name string, generate func() string) (string, error)
}

// SharedClock keeps the test clock's offset from the wall clock, so every
// replica tells the same time.
type SharedClock interface {
	// ClockOffset returns the stored offset (0 when none is stored).
	ClockOffset(ctx context.Context) (time.Duration, error)
	// RaiseClockOffset stores d when it is larger than the stored offset,
	// and returns the offset stored afterwards: the clock never goes back.
	RaiseClockOffset(ctx context.Context, d time.Duration) (time.Duration, error)
}
