package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/portico-dev/portico/internal/spawn"
)

// secretKey is the backend key of every server the suite starts; portal
// sessions signed with it verify on any of them.
const secretKey = "sk_reliability_5d2e8a41c7b3"

// server is a bin/portico process.
type server struct {
	URL  string
	env  []string
	cmd  *exec.Cmd
	logs *os.File
}

// startServer runs bin/portico serve with env on a free loopback port and
// waits until it listens. Its log goes to logPath.
func startServer(env []string, logPath string) (*server, error) {
	s := &server{env: env}
	return s, s.start(logPath)
}

func (s *server) start(logPath string) error {
	logs, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command("bin/portico", "serve")
	cmd.Env = append(os.Environ(), "PORTICO_ADDR=127.0.0.1:0", "PORTICO_SECRET_KEY="+secretKey,
		"PORTICO_WEB=assets/web", "PORTICO_CATALOG=", "STRIPE_SECRET_KEY=")
	cmd.Env = append(cmd.Env, s.env...)
	cmd.Stderr = logs
	u, err := spawn.Start(cmd, spawn.PorticoURL)
	if err != nil {
		logs.Close()
		return fmt.Errorf("%w (log: %s)", err, logPath)
	}
	s.URL, s.cmd, s.logs = u, cmd, logs
	return nil
}

// kill ends the server with SIGKILL: no shutdown, no flush.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	s.logs.Close()
}

// restart starts the server again with the same settings (a new port).
func (s *server) restart(logPath string) error { return s.start(logPath) }

// stop ends the server gracefully.
func (s *server) stop() {
	spawn.Stop(s.cmd, 15*time.Second)
	s.logs.Close()
}

// apiClient calls the API with a bound on every request.
var apiClient = &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// answer is an API answer.
type answer struct {
	Status int
	Body   []byte
}

// call sends one API request; key is an Idempotency-Key or "".
func call(ctx context.Context, method, url, token, key string, body any) (answer, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := apiClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{Status: resp.StatusCode, Body: b}, err
}

// must sends a request that has to succeed and decodes its answer.
func must(ctx context.Context, method, url, token string, body, out any) error {
	a, err := call(ctx, method, url, token, "", body)
	if err != nil {
		return err
	}
	if a.Status >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, url, a.Status, strings.TrimSpace(string(a.Body)))
	}
	if out != nil {
		return json.Unmarshal(a.Body, out)
	}
	return nil
}
