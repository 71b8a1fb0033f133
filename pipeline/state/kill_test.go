package state

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The helper process runs in a re-executed test binary: it opens the store
// named by STATE_HELPER_DB and commits until it is killed.
const (
	helperDB   = "STATE_HELPER_DB"
	helperMode = "STATE_HELPER_MODE"
)

func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperDB)
	if path == "" {
		t.Skip("only runs as a subprocess of the kill -9 tests")
	}
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	switch os.Getenv(helperMode) {
	case "hang":
		// Commit one run, then stop inside the next transaction.
		r1, err := s.Commit(ctx, fixtureRun("a.xlsx"), fixtureChanges(0, "a.xlsx", 5))
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		failpoint = func(step string) error {
			if step == "customers" {
				fmt.Println("inside")
				time.Sleep(time.Hour)
			}
			return nil
		}
		_, err = s.Commit(ctx, fixtureRun("b.xlsx"), fixtureChanges(r1, "b.xlsx", 500))
		fmt.Println("error: commit was not killed:", err)
		os.Exit(1)
	case "loop":
		var base int64
		for i := 1; ; i++ {
			file := fmt.Sprintf("f%04d.xlsx", i)
			ch := fixtureChanges(base, file, 2000)
			run := fixtureRun(file)
			run.Counts = map[string]int{"rows": len(ch.Rows)}
			id, err := s.Commit(ctx, run, ch)
			if err != nil {
				fmt.Println("error:", err)
				os.Exit(1)
			}
			base = id
			fmt.Println("committed", id)
		}
	}
	os.Exit(2)
}

// startHelper runs the helper process and returns it with its output lines.
func startHelper(t *testing.T, path, mode string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperDB+"="+path, helperMode+"="+mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, lines
}

func waitLine(t *testing.T, lines <-chan string, prefix string) string {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("helper exited before printing %q", prefix)
			}
			if strings.HasPrefix(l, "error") {
				t.Fatalf("helper: %s", l)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-timeout:
			t.Fatalf("helper printed no %q within a minute", prefix)
		}
	}
}

func kill9(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("helper did not die by SIGKILL: %v", err)
	}
}

func checkIntegrity(t *testing.T, s *Store) {
	t.Helper()
	var res string
	if err := s.db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	var fk int
	if err := s.db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil || fk != 0 {
		t.Fatalf("foreign_key_check: %d violations, %v", fk, err)
	}
}

// TestKill9InsideTransaction kills a process that is in the middle of
// Commit's transaction; the committed run must be whole and the other absent.
func TestKill9InsideTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	ctx := context.Background()
	path := t.TempDir() + "/state.db"
	cmd, lines := startHelper(t, path, "hang")
	waitLine(t, lines, "inside")
	kill9(t, cmd)

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after kill -9: %v", err)
	}
	defer s.Close()
	checkIntegrity(t, s)
	audit, err := s.Audit(ctx)
	if err != nil || len(audit) != 1 || audit[0].Inputs[0] != "a.xlsx" {
		t.Fatalf("run log after kill -9 = %+v, %v; want run 1 only", audit, err)
	}
	files := map[string]int{}
	if err := s.EachRow(ctx, "", func(r Row) error { files[r.Prov.File]++; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files["a.xlsx"] != 5 {
		t.Errorf("rows by file after kill -9: %v; want a.xlsx: 5", files)
	}
	// The store is usable: the killed run can be committed now.
	if _, err := s.Commit(ctx, fixtureRun("b.xlsx"), fixtureChanges(audit[0].ID, "b.xlsx", 500)); err != nil {
		t.Errorf("Commit after kill -9: %v", err)
	}
}

// TestKill9WhileCommitting kills a process committing large runs back to
// back, at a moment it does not choose; every run in the log must be whole.
func TestKill9WhileCommitting(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	ctx := context.Background()
	path := t.TempDir() + "/state.db"
	cmd, lines := startHelper(t, path, "loop")
	waitLine(t, lines, "committed 3")
	time.Sleep(37 * time.Millisecond) // most likely inside run 4 or 5
	kill9(t, cmd)

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after kill -9: %v", err)
	}
	defer s.Close()
	checkIntegrity(t, s)
	audit, err := s.Audit(ctx)
	if err != nil || len(audit) < 3 {
		t.Fatalf("run log after kill -9: %d runs, %v; want at least 3", len(audit), err)
	}
	perRun := map[int64]int{}
	if err := s.EachRow(ctx, "", func(r Row) error { perRun[r.FirstRun]++; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, run := range audit {
		if perRun[run.ID] != run.Counts["rows"] {
			t.Errorf("run %d: %d rows stored, its log says %d", run.ID, perRun[run.ID], run.Counts["rows"])
		}
		delete(perRun, run.ID)
	}
	if len(perRun) != 0 {
		t.Errorf("rows of runs missing from the log: %v", perRun)
	}
	t.Logf("killed after %d committed runs", len(audit))
}
