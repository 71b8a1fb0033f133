package sink

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// StaleAfter is the age after which a staging folder is removed even when
// its run's process cannot be checked (a run on another machine, a folder
// made by an older crmclean, a process id taken again): no run stages its
// outputs for a day.
const StaleAfter = 24 * time.Hour

// stamp is the marker's text: when and by which process the folder was
// made, so that a later run can tell a killed run's folder from a live one.
func stamp(now time.Time) string {
	host, _ := os.Hostname()
	return "crmclean output folder; safe to replace by a later crmclean run\n" +
		"created " + now.UTC().Format(time.RFC3339) + "\n" +
		"pid " + strconv.Itoa(os.Getpid()) + " on " + host + "\n"
}

// owner is what a marker says about the run that made its folder.
type owner struct {
	created time.Time // zero when not recorded
	pid     int       // 0 when not recorded
	host    string
}

func readOwner(marker []byte) owner {
	var o owner
	sc := bufio.NewScanner(bytes.NewReader(marker))
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "created "); ok {
			o.created, _ = time.Parse(time.RFC3339, v)
		} else if v, ok := strings.CutPrefix(line, "pid "); ok {
			p, h, _ := strings.Cut(v, " on ")
			o.pid, _ = strconv.Atoi(p)
			o.host = h
		}
	}
	return o
}

// RemoveStale removes the temporary folders that runs writing to target
// left beside it when they were killed: staging folders (".out.tmp-*",
// personal data readable by the owner only) and, when target is in place,
// the previous output set aside while publishing ("out.old-*"). Only
// folders holding crmclean's marker are touched. A staging folder is
// removed only when the run that made it is gone: its process no longer
// runs on this machine, or the folder is older than StaleAfter. An old
// output folder is removed at once by the run that set it aside; one
// still there when target is in place again was left by a run killed just
// then. It returns the names removed.
func RemoveStale(target string) ([]string, error) {
	target = filepath.Clean(target)
	parent, base := filepath.Dir(target), filepath.Base(target)
	entries, err := os.ReadDir(parent)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	_, terr := os.Stat(target)
	host, _ := os.Hostname()
	now := time.Now()
	var removed []string
	for _, e := range entries {
		name := e.Name()
		staging := strings.HasPrefix(name, "."+base+".tmp-")
		old := strings.HasPrefix(name, base+".old-") && terr == nil
		if !e.IsDir() || !staging && !old {
			continue
		}
		dir := filepath.Join(parent, name)
		marker, err := os.ReadFile(filepath.Join(dir, Marker))
		if err != nil {
			continue // not crmclean's, or not readable: leave it
		}
		if staging && !stale(readOwner(marker), e, host, now) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			return removed, err
		}
		removed = append(removed, name)
	}
	return removed, nil
}

// stale reports whether the staging folder e, whose marker says o, was
// left by a run that is gone.
func stale(o owner, e os.DirEntry, host string, now time.Time) bool {
	made := o.created
	if made.IsZero() { // an older crmclean's marker
		info, err := e.Info()
		if err != nil {
			return false
		}
		made = info.ModTime()
	}
	if now.Sub(made) > StaleAfter {
		return true
	}
	return o.pid > 0 && o.host == host && !processAlive(o.pid)
}
