// Package spawn starts the servers Portico's tools drive (bin/portico
// serve, the bench's bare handler) and waits until they say where they
// listen.
package spawn

import (
	"bufio"
	"errors"
	"os/exec"
	"regexp"
	"syscall"
	"time"
)

// listening is the line bin/portico serve prints once it listens.
var listening = regexp.MustCompile(`^Portico is listening on (http://\S+) `)

// PorticoURL is the address in bin/portico serve's "listening" line, or ""
// for any other line.
func PorticoURL(line string) string {
	if m := listening.FindStringSubmatch(line); m != nil {
		return m[1]
	}
	return ""
}

// Start starts cmd, which must not have its standard output set, and waits
// up to a minute for url to find, in a line of that output, the address it
// listens on. The output is read to its end, so the process never blocks
// on it. A process that exits first, or does not say within the minute, is
// an error (and is not left running).
func Start(cmd *exec.Cmd, url func(line string) string) (string, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		said := false
		for sc.Scan() {
			if u := url(sc.Text()); u != "" && !said {
				said = true
				found <- u
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			cmd.Wait()
			return "", errors.New(cmd.Path + " exited before it listened")
		}
		return u, nil
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		cmd.Wait()
		return "", errors.New(cmd.Path + " did not listen within a minute")
	}
}

// Stop ends a started process with SIGTERM, and with SIGKILL if it has not
// exited after grace.
func Stop(cmd *exec.Cmd, grace time.Duration) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
}
