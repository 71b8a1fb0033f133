// Package sink writes a run's output files: the CSV and spreadsheet files of
// the output contract, into a staging folder that is moved into place only
// when every file is complete.
package sink

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/crmclean/crmclean/pipeline/source"
)

// Marker is the file crmclean leaves in output folders it creates; a folder
// with it may be replaced by a later run.
// Input discovery skips the folders holding it.
const Marker = source.OutputMarker

// ErrNotOurs is returned when the output folder exists, is not empty, and was
// not created by crmclean.
var ErrNotOurs = errors.New("output folder exists, is not empty, and was not created by crmclean")

// Staging is a temporary output folder beside the target.
type Staging struct {
	Dir     string   // where to write now
	Removed []string // temporary folders of killed runs removed (RemoveStale)
	target  string
}

// Stage checks that target may be written, removes the temporary folders
// killed runs left beside it (RemoveStale) and creates a staging folder
// beside it, readable by the owner only.
func Stage(target string) (*Staging, error) {
	if err := CheckTarget(target); err != nil {
		return nil, err
	}
	parent := filepath.Dir(filepath.Clean(target))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create output parent: %w", err)
	}
	removed, err := RemoveStale(target)
	if err != nil {
		return nil, fmt.Errorf("remove the temporary folders of stopped runs beside %s: %w", target, err)
	}
	dir, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("create staging folder: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create staging folder: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, Marker), []byte(stamp(time.Now())), 0o600); err != nil {
		return nil, fmt.Errorf("write marker: %w", err)
	}
	return &Staging{Dir: dir, Removed: removed, target: target}, nil
}

// CheckTarget returns ErrNotOurs when target holds files crmclean did not write.
func CheckTarget(target string) error {
	entries, err := os.ReadDir(target)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output folder %s: %w", target, err)
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(target, Marker)); err != nil {
		return fmt.Errorf("%s: %w; choose another --out folder or empty this one", target, ErrNotOurs)
	}
	return nil
}

// Publish moves the staging folder into place, replacing an earlier
// crmclean output folder at target.
func (s *Staging) Publish() error {
	if err := CheckTarget(s.target); err != nil {
		return err
	}
	var old string
	if _, err := os.Stat(s.target); err == nil {
		old = s.target + ".old-" + filepath.Base(s.Dir)
		if err := os.Rename(s.target, old); err != nil {
			return fmt.Errorf("replace output folder %s: %w (is a file in it open in Excel? close it and run again)", s.target, err)
		}
	}
	if err := os.Rename(s.Dir, s.target); err != nil {
		if old != "" {
			_ = os.Rename(old, s.target)
		}
		return fmt.Errorf("move output into place at %s: %w", s.target, err)
	}
	if old != "" {
		_ = os.RemoveAll(old)
	}
	return nil
}

// Abort removes the staging folder; the target is left as it was.
func (s *Staging) Abort() { _ = os.RemoveAll(s.Dir) }
