package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// secretKey is the backend key of every server the suite starts; portal
// sessions signed with it verify on any of them.
const secretKey = "sk_reliability_5d2e8a41c7b3"

var listening = regexp.MustCompile(`^Portico is listening on (http://\S+) `)

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
		"PORTICO_WEB=web", "PORTICO_CATALOG=", "STRIPE_SECRET_KEY=")
	cmd.Env = append(cmd.Env, s.env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.logs = cmd, logs
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			s.cmd.Wait()
			return fmt.Errorf("bin/portico exited before it listened (log: %s)", logPath)
		}
		s.URL = u
		return nil
	case <-time.After(60 * time.Second):
		s.kill()
		return errors.New("bin/portico did not listen within 60s")
	}
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
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
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
