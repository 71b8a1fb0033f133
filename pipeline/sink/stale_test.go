package sink

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"
)

// deadPID returns the id of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("needs a Unix shell")
	}
	cmd := exec.Command("sh", "-c", "exit 0")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestRemoveStale: the temporary folders of killed runs beside the output
// folder are removed, never those of a live run, nor folders crmclean did
// not make.
func TestRemoveStale(t *testing.T) {
	host, _ := os.Hostname()
	dead := deadPID(t)
	marker := func(created time.Time, pid int, host string) string {
		s := "crmclean output folder; safe to replace by a later crmclean run\ncreated " + created.UTC().Format(time.RFC3339) + "\n"
		if pid > 0 {
			s += "pid " + strconv.Itoa(pid) + " on " + host + "\n"
		}
		return s
	}
	now := time.Now()
	tests := []struct {
		name    string
		folder  string
		marker  string // "" for none
		target  bool   // out exists
		removed bool
	}{
		{"killed run", ".out.tmp-1", marker(now, dead, host), true, true},
		{"killed run, no output yet", ".out.tmp-1", marker(now, dead, host), false, true},
		{"live run", ".out.tmp-1", marker(now, os.Getpid(), host), true, false},
		{"run on another machine", ".out.tmp-1", marker(now, dead, "elsewhere"), true, false},
		{"another machine, two days old", ".out.tmp-1", marker(now.Add(-48*time.Hour), dead, "elsewhere"), true, true},
		{"pid taken again, two days old", ".out.tmp-1", marker(now.Add(-48*time.Hour), os.Getpid(), host), true, true},
		{"older crmclean, recent", ".out.tmp-1", marker(now, 0, ""), true, false},
		{"older crmclean, two days old", ".out.tmp-1", marker(now.Add(-48*time.Hour), 0, ""), true, true},
		{"no marker", ".out.tmp-1", "", true, false},
		{"another output's folder", ".other.tmp-1", marker(now, dead, host), true, false},
		{"old output, target in place", "out.old-.out.tmp-1", marker(now, os.Getpid(), host), true, true},
		{"old output, target missing", "out.old-.out.tmp-1", marker(now, dead, host), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			target := filepath.Join(parent, "out")
			if tt.target {
				if err := os.Mkdir(target, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			dir := filepath.Join(parent, tt.folder)
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "clean.csv"), []byte("customer data"), 0o600); err != nil {
				t.Fatal(err)
			}
			if tt.marker != "" {
				if err := os.WriteFile(filepath.Join(dir, Marker), []byte(tt.marker), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			removed, err := RemoveStale(target)
			if err != nil {
				t.Fatal(err)
			}
			_, serr := os.Stat(dir)
			if gone := os.IsNotExist(serr); gone != tt.removed {
				t.Errorf("removed = %v, want %v", gone, tt.removed)
			}
			if want := tt.removed; slices.Contains(removed, tt.folder) != want || len(removed) > 1 {
				t.Errorf("RemoveStale returned %v", removed)
			}
			if _, err := os.Stat(target); tt.target && err != nil {
				t.Errorf("the output folder: %v", err)
			}
		})
	}
}

// TestStageMarksOwner: a staging folder's marker names this process, so a
// later run leaves it alone while this run lives; Stage removes a killed
// run's folder and says so.
func TestStageMarksOwner(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "out")
	left := filepath.Join(parent, ".out.tmp-killed")
	if err := os.Mkdir(left, 0o700); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	m := "crmclean output folder\ncreated " + time.Now().UTC().Format(time.RFC3339) + "\npid " + strconv.Itoa(deadPID(t)) + " on " + host + "\n"
	if err := os.WriteFile(filepath.Join(left, Marker), []byte(m), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := Stage(target, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	if !slices.Equal(st.Removed, []string{".out.tmp-killed"}) {
		t.Errorf("Removed = %v, want the killed run's folder", st.Removed)
	}
	o := readOwner(mustRead(t, filepath.Join(st.Dir, Marker)))
	if o.pid != os.Getpid() || o.host != host || o.created.IsZero() {
		t.Errorf("marker owner = %+v, want this process", o)
	}
	if removed, err := RemoveStale(target); err != nil || len(removed) != 0 {
		t.Errorf("a live run's staging folder: RemoveStale = %v, %v", removed, err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
