// Package sink writes a run's output files: the CSV and spreadsheet files of
// the output contract, into a staging folder that is moved into place only
// when every file is complete.
package sink

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmclean/crmclean/pipeline/source"
)

// Marker is the file crmclean leaves in output folders it creates; a folder
// with it may be replaced by a later run.
// Input discovery skips the folders holding it.
const Marker = source.OutputMarker

// Errors of an output folder that a run may not replace, for errors.Is.
var (
	// ErrNotOurs: the output folder exists, is not empty, and was not
	// created by crmclean.
	ErrNotOurs = errors.New("output folder exists, is not empty, and was not created by crmclean")
	// ErrForeignFiles: the output folder holds files crmclean did not write.
	ErrForeignFiles = errors.New("holds files crmclean did not write")
	// ErrUnapplied: the output folder's review files hold decisions not
	// yet applied, and so does the OUT.previous that would keep them.
	ErrUnapplied = errors.New("holds review decisions not yet applied")
)

// markerFiles starts the list of the files crmclean wrote, in the marker.
const markerFiles = "files:"

// PreviousSuffix names the folder an output folder is kept as when its
// review files hold decisions not yet applied: OUT.previous.
const PreviousSuffix = ".previous"

// Stored reports whether a decision of a review file (the two rows'
// fingerprints and VerdictMerge or VerdictKeep) is already stored, in the
// state or among the decisions the run applied. nil stores nothing.
type Stored func(a, b, verdict string) bool

// Staging is a temporary output folder beside the target.
type Staging struct {
	Dir     string   // where to write now
	Removed []string // temporary folders of killed runs removed (RemoveStale)
	target  string
	stored  Stored
	// Previous is set by Publish when it kept the replaced folder, whose
	// review files hold decisions not yet applied, as target.previous.
	Previous string
}

// Stage checks that target may be written, removes the temporary folders
// killed runs left beside it (RemoveStale) and creates a staging folder
// beside it, readable by the owner only. stored tells which decisions of
// the target's review files are applied already (see Publish).
func Stage(target string, stored Stored) (*Staging, error) {
	if err := CheckReplace(target, stored); err != nil {
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
	return &Staging{Dir: dir, Removed: removed, target: target, stored: stored}, nil
}

// CheckTarget returns ErrNotOurs when target is a non-empty folder
// crmclean did not create, and ErrForeignFiles, naming them, when it holds
// files crmclean did not write there (a spreadsheet saved beside
// review.xlsx): a run never deletes them.
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
	marker, err := os.ReadFile(filepath.Join(target, Marker))
	if err != nil {
		return fmt.Errorf("%s: %w; choose another --out folder or empty this one", target, ErrNotOurs)
	}
	written, listed := markedFiles(marker)
	if !listed {
		return nil // written by a release that did not list its files
	}
	var foreign []string
	for _, e := range entries {
		if _, ours := written[e.Name()]; e.Name() != Marker && !ours {
			foreign = append(foreign, e.Name())
		}
	}
	if len(foreign) > 0 {
		hint := "move them elsewhere (or choose another --out folder), since a run replaces the whole folder"
		for _, f := range foreign {
			if strings.HasPrefix(f, "~$") {
				hint = "a ~$ file means the workbook is open in Excel: close it; " + hint
				break
			}
		}
		return fmt.Errorf("output folder %s %w: %s; %s", target, ErrForeignFiles, strings.Join(foreign, ", "), hint)
	}
	return nil
}

// CheckReplace checks that a run may replace target (CheckTarget), and,
// when target's review files hold decisions stored does not, that it can
// keep target as target.previous (ErrUnapplied when an older
// target.previous holds unapplied decisions too).
func CheckReplace(target string, stored Stored) error {
	if err := CheckTarget(target); err != nil {
		return err
	}
	_, _, err := keepPrevious(target, stored, false)
	return err
}

// markedFiles reads the list of files in a marker, each with the stamp
// (fileStamp) it had when written ("" in markers of releases that did
// not stamp); listed is false for a marker without a list.
func markedFiles(marker []byte) (files map[string]string, listed bool) {
	sc := bufio.NewScanner(bytes.NewReader(marker))
	files = map[string]string{}
	for sc.Scan() {
		line := sc.Text()
		if line == markerFiles {
			listed = true
			continue
		}
		if listed && line != "" {
			name, stamp, _ := strings.Cut(line, "\t")
			files[name] = stamp
		}
	}
	return files, listed
}

// fileStamp is a file's size and modification time: a review file with
// the stamp crmclean gave it is as crmclean wrote it, without decisions.
func fileStamp(info os.FileInfo) string {
	return strconv.FormatInt(info.Size(), 10) + "\t" + strconv.FormatInt(info.ModTime().UnixNano(), 10)
}

// listFiles appends the names of the files in dir, with their stamps, to
// its marker, so a later run can tell them from files someone else put
// there, and a review file filled since from one as written.
func listFiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var lines []string
	for _, e := range entries {
		if e.Name() == Marker {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		lines = append(lines, e.Name()+"\t"+fileStamp(info))
	}
	slices.Sort(lines)
	f, err := os.OpenFile(filepath.Join(dir, Marker), os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s\n%s\n", markerFiles, strings.Join(lines, "\n"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Unapplied counts the decisions of the review files in dir (review.xlsx,
// review.csv) that stored does not hold, naming the first file holding
// one. A review file that cannot be read counts as holding decisions:
// it may, and a run keeps what it cannot check.
func Unapplied(dir string, stored Stored) (n int, file string) {
	var written map[string]string
	if marker, err := os.ReadFile(filepath.Join(dir, Marker)); err == nil {
		written, _ = markedFiles(marker)
	}
	for _, name := range []string{"review.xlsx", "review.csv"} {
		path := filepath.Join(dir, name)
		info, err := os.Stat(path)
		if err != nil {
			continue
		}
		if stamp := written[name]; stamp != "" && stamp == fileStamp(info) {
			continue // as crmclean wrote it: no decision in it
		}
		r, err := ReadReview(path)
		if err != nil {
			if file == "" {
				file = name
			}
			n++
			continue
		}
		for _, d := range r.Decided {
			if stored == nil || !stored(d.A, d.B, d.Verdict) {
				if file == "" {
					file = name
				}
				n++
			}
		}
	}
	return n, file
}

// keepPrevious checks, when target's review files hold decisions not yet
// applied, that target may be kept as target.previous: an older
// target.previous is replaced only when it holds no unapplied decision and
// no file crmclean did not write. With move, it moves target there and
// returns where.
func keepPrevious(target string, stored Stored, move bool) (kept string, n int, err error) {
	if _, err := os.Stat(filepath.Join(target, Marker)); err != nil {
		return "", 0, nil // nothing of ours to keep
	}
	n, file := Unapplied(target, stored)
	if n == 0 {
		return "", 0, nil
	}
	prev := filepath.Clean(target) + PreviousSuffix
	if _, err := os.Stat(prev); err == nil {
		if err := CheckTarget(prev); err != nil {
			return "", 0, fmt.Errorf("%s/%s holds %s not yet applied, and it cannot be kept as %s: %w", target, file, decisionCount(n), prev, err)
		}
		if m, pfile := Unapplied(prev, stored); m > 0 {
			return "", 0, fmt.Errorf("%s/%s holds %s not yet applied, and so does %s/%s (%d): %s %w; apply them first (crmclean run --decisions %s …, or crmclean review apply --state FILE), or move one of the folders elsewhere",
				target, file, decisionCount(n), prev, pfile, m, prev, ErrUnapplied, filepath.Join(prev, pfile))
		}
	}
	if !move {
		return prev, n, nil
	}
	if err := os.RemoveAll(prev); err != nil {
		return "", 0, fmt.Errorf("replace %s: %w", prev, err)
	}
	if err := os.Rename(target, prev); err != nil {
		return "", 0, fmt.Errorf("keep output folder %s as %s: %w (is a file in it open in Excel? close it and run again)", target, prev, err)
	}
	return prev, n, nil
}

func decisionCount(n int) string {
	if n == 1 {
		return "1 decision"
	}
	return fmt.Sprintf("%d decisions", n)
}

// Publish moves the staging folder into place, replacing an earlier
// crmclean output folder at target. A folder whose review files hold
// decisions the run did not apply (see Stored) is kept as
// target.previous (Previous), never deleted.
func (s *Staging) Publish() error {
	if err := CheckTarget(s.target); err != nil {
		return err
	}
	if err := listFiles(s.Dir); err != nil {
		return fmt.Errorf("write marker: %w", err)
	}
	prev, _, err := keepPrevious(s.target, s.stored, true)
	if err != nil {
		return err
	}
	s.Previous = prev
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
		if prev != "" {
			_ = os.Rename(prev, s.target)
			s.Previous = ""
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
