// Package ingest turns the files and folders given on the command line into
// records: it finds the sheets, reads them through package source, finds
// each sheet's layout through package mapping, resolves ditto marks and
// placeholders, and accounts for every row it reads.
package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/crmclean/crmclean/pipeline/source"
)

// Input is one file to read.
type Input struct {
	Path string // path on disk
	Rel  string // source_file: relative to the folder given, "/"-separated; base name for a file given directly
}

// Ignored is a file that was found but not read, with the reason.
type Ignored struct {
	Path   string
	Reason string
}

// Discover expands args (files and folders, folders recursively) into the
// files to read, sorted by Rel. Office lock files (~$*), hidden files and
// folders, crmclean's own output folders (holding source.OutputMarker:
// an --out inside an input folder) and files of other types are ignored
// and listed.
func Discover(args []string) ([]Input, []Ignored, error) {
	var inputs []Input
	var ignored []Ignored
	seen := map[string]bool{}
	add := func(path, rel string) {
		abs, err := filepath.Abs(path)
		if err == nil && seen[abs] {
			return
		}
		seen[abs] = true
		inputs = append(inputs, Input{Path: path, Rel: rel})
	}
	for _, arg := range args {
		info, err := os.Stat(arg)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("input %s: %w", arg, fs.ErrNotExist)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("input %s: %w", arg, err)
		}
		if !info.IsDir() {
			if why := ignoreReason(filepath.Base(arg)); why != "" {
				ignored = append(ignored, Ignored{arg, why})
				continue
			}
			add(arg, filepath.Base(arg))
			continue
		}
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				ignored = append(ignored, Ignored{path, "cannot be read: " + err.Error()})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			name := d.Name()
			if path == arg {
				return nil
			}
			if d.IsDir() {
				if strings.HasPrefix(name, ".") {
					ignored = append(ignored, Ignored{path, "hidden folder"})
					return fs.SkipDir
				}
				if _, err := os.Lstat(filepath.Join(path, source.OutputMarker)); err == nil {
					ignored = append(ignored, Ignored{path, "a crmclean output folder (it holds " + source.OutputMarker + "): its files are outputs, not inputs"})
					return fs.SkipDir
				}
				return nil
			}
			if why := ignoreReason(name); why != "" {
				ignored = append(ignored, Ignored{path, why})
				return nil
			}
			rel, err := filepath.Rel(arg, path)
			if err != nil {
				rel = name
			}
			add(path, filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("walk %s: %w", arg, err)
		}
	}
	sort.SliceStable(inputs, func(i, j int) bool { return inputs[i].Rel < inputs[j].Rel })
	return inputs, ignored, nil
}

func ignoreReason(name string) string {
	switch {
	case strings.HasPrefix(name, "~$"):
		return "Office lock file (the workbook is open in Excel)"
	case strings.HasPrefix(name, "."):
		return "hidden file"
	case !source.Supported(name):
		return "not a spreadsheet (crmclean reads .xlsx, .xlsm, .csv, .tsv, .txt)"
	}
	return ""
}
