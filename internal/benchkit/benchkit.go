// Package benchkit is what the benchmark commands (cmd/triagebench, cmd/kbbench, cmd/consolebench)
// share: a scratch schema in the test database, a triaged process to measure, and percentiles.
package benchkit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant/store"
	"github.com/clinictriage/assistant/store/storetest"
)

// Scratch makes a migrated schema in the test database, like the tests do, with a pool of conns
// connections; cleanup drops it.
func Scratch(ctx context.Context, prefix string, conns int) (s *storetest.Schema, cleanup func(), err error) {
	admin, err := store.Open(ctx, storetest.URL(), 2)
	if err != nil {
		return nil, nil, fmt.Errorf("test database: %w (run `make db`)", err)
	}
	name := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		admin.Close()
		return nil, nil, err
	}
	drop := func() {
		admin.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE")
		admin.Close()
	}
	s = &storetest.Schema{Name: name}
	pool, err := Pool(ctx, s.URL(), conns)
	if err != nil {
		drop()
		return nil, nil, err
	}
	s.Pool = pool
	m, err := store.NewMigrator(pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil {
		_, err = m.Up(ctx)
	}
	if err != nil {
		pool.Close()
		drop()
		return nil, nil, err
	}
	return s, func() { pool.Close(); drop() }, nil
}

// Pool opens a pool of exactly conns connections.
func Pool(ctx context.Context, url string, conns int) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns, cfg.MinConns = int32(conns), int32(conns)
	return store.OpenConfig(ctx, cfg)
}

// Server is a triaged process.
type Server struct {
	cmd  *exec.Cmd
	Base string // http://127.0.0.1:port
}

// Start runs the triaged binary at bin on dbURL with the extra environment, and waits until it is
// ready.
func Start(ctx context.Context, bin, dbURL string, env ...string) (*Server, error) {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "TRIAGE_ADDR="+addr)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w (run `make build`)", bin, err)
	}
	s := &Server{cmd: cmd, Base: "http://" + addr}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.Base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.Stop()
	return nil, errors.New("triaged did not become ready within 60s")
}

// Stop interrupts the server and waits for it to end (killing it after 30 s).
func (s *Server) Stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
	}
}

// RSS reads the server's resident set size and its peak, in MB, from /proc.
func (s *Server) RSS() (now, peak float64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb float64
		if n, _ := fmt.Sscanf(sc.Text(), "VmRSS: %f kB", &kb); n == 1 {
			now = kb / 1024
		}
		if n, _ := fmt.Sscanf(sc.Text(), "VmHWM: %f kB", &kb); n == 1 {
			peak = kb / 1024
		}
	}
	return now, peak
}

// Percentile is the p-th percentile of d (0 for none).
func Percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

// Mean is the mean of d (0 for none).
func Mean(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return sum / time.Duration(len(d))
}

// Ms is d in milliseconds; Us in microseconds.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Us is d in microseconds.
func Us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }
