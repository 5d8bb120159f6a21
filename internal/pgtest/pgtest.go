// Package pgtest gives tests a real PostgreSQL database: the server named by
// PORTICO_TEST_DATABASE_URL when set, else a private one started from
// Debian's postgresql package in a temporary folder, on loopback, for the
// life of the test binary.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names an existing server to test against (its user must be
// allowed to create databases).
const EnvURL = "PORTICO_TEST_DATABASE_URL"

// EnvRequire, set to 1, turns a missing PostgreSQL into a failure instead of
// a skip: `make test` sets it, so the PostgreSQL store is never silently
// left untested.
const EnvRequire = "PORTICO_REQUIRE_POSTGRES"

var (
	once     sync.Once
	baseURL  string
	setupErr error
	cluster  *server
)

// Main runs a package's tests and stops the private server afterwards. Call
// it from TestMain.
func Main(m interface{ Run() int }) {
	code := m.Run()
	if cluster != nil {
		cluster.stop()
	}
	os.Exit(code)
}

// URL returns the address of a new, empty database, dropped when t ends.
// The test is skipped when no PostgreSQL can be had, or fails when
// EnvRequire is set.
//
// The database is a schema of its own in one shared database, named by
// the address's search_path: creating a schema takes milliseconds where
// creating a database takes a checkpoint.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() { baseURL, setupErr = start() })
	if setupErr != nil {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("PostgreSQL: %v", setupErr)
		}
		t.Skipf("PostgreSQL: %v (set %s, or install Debian's postgresql)", setupErr, EnvURL)
	}
	name := "portico_test_" + randomHex(6)
	admin(t, "CREATE SCHEMA "+name)
	t.Cleanup(func() { admin(t, "DROP SCHEMA IF EXISTS "+name+" CASCADE") })
	u, _ := url.Parse(baseURL)
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// admin runs one statement on the server's test database.
func admin(t testing.TB, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, baseURL)
	if err != nil {
		t.Fatalf("PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("PostgreSQL: %s: %v", sql, err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// start returns the maintenance database's address of the configured
// server, or of a private one it starts.
func start() (string, error) {
	if u := os.Getenv(EnvURL); u != "" {
		return u, nil
	}
	bin, err := binDir()
	if err != nil {
		return "", err
	}
	s, err := startServer(bin)
	if err != nil {
		return "", err
	}
	cluster = s
	return s.url, nil
}

// binDir is the newest installed PostgreSQL's program folder.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("no initdb found (neither on PATH nor in /usr/lib/postgresql)")
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// server is a private PostgreSQL server.
type server struct {
	dir  string
	cmd  *exec.Cmd
	url  string
	cred *syscall.Credential
}

// startServer initialises a cluster in a temporary folder and starts it on
// a free loopback port. PostgreSQL refuses to run as root, so as root it
// runs as the postgres user the package creates.
func startServer(bin string) (*server, error) {
	dir, err := os.MkdirTemp("", "portico-pg-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir}
	if os.Geteuid() == 0 {
		if s.cred, err = credential("postgres"); err != nil {
			return nil, err
		}
		if err := os.Chown(dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "portico", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
	if out, err := s.run(initdb).CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	// fsync off: a test server's data need not survive a power cut.
	s.cmd = s.run(exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+dir, "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"))
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.url = fmt.Sprintf("postgres://portico@127.0.0.1:%d/postgres?sslmode=disable", port)
	if err := s.waitReady(30 * time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		s.stop()
		return nil, fmt.Errorf("%v; server log:\n%s", err, log)
	}
	return s, nil
}

// run makes cmd run as the server's user.
func (s *server) run(cmd *exec.Cmd) *exec.Cmd {
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd
}

func (s *server) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, s.url)
		if err == nil {
			conn.Close(ctx)
			cancel()
			return nil
		}
		cancel()
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %s: %v", limit, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		// SIGINT: "fast" shutdown, closing sessions without waiting.
		s.cmd.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
		}
	}
	os.RemoveAll(s.dir)
}

func credential(name string) (*syscall.Credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("running as root needs the %s user (from Debian's postgresql): %v", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Start starts a private server for a program other than a test (the
// reliability suite): its maintenance database's address, and how to stop
// it and remove its files.
func Start() (url string, stop func(), err error) {
	bin, err := binDir()
	if err != nil {
		return "", nil, err
	}
	s, err := startServer(bin)
	if err != nil {
		return "", nil, err
	}
	return s.url, s.stop, nil
}
