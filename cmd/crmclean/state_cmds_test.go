package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
)

func TestPurgeCommand(t *testing.T) {
	ctx := context.Background()
	const phone = "+8613912345678"
	dir := t.TempDir()
	db := filepath.Join(dir, "project.db")
	s, err := state.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	rec := &record.Record{Prov: record.Provenance{File: "a.csv", Row: 2}, Fingerprint: "fp1", Status: record.Kept, CustomerID: "C1",
		Norm: record.Normalized{Name: "李晓红", Phones: []record.Phone{{E164: phone, Type: record.Mobile}}}}
	outDir := filepath.Join(dir, "out")
	if err := os.Mkdir(outDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, state.RunRecord{Inputs: []string{"a.csv"}, Out: outDir}, state.Changes{
		Rows: []state.Row{state.RowOf(rec)}, Customers: []state.Customer{{ID: "C1", Golden: []byte(`{"mobile":"` + phone + `"}`)}}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	notState := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notState, bytes.Repeat([]byte("客户名单\n"), 300), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		args      []string
		wantUsage bool
		wantErr   string
		wantOut   string
	}{
		{name: "no state flag", args: nil, wantUsage: true, wantErr: "no --state FILE"},
		{name: "stray argument", args: []string{"--state", db, "extra"}, wantUsage: true, wantErr: "no arguments"},
		{name: "missing file", args: []string{"--state", filepath.Join(dir, "nope.db")}, wantUsage: true, wantErr: "nope.db"},
		{name: "not a state file", args: []string{"--state", notState}, wantUsage: true, wantErr: "not a crmclean state file"},
		{name: "purge", args: []string{"--state", db}, wantOut: "deleted 1 source rows, 1 customers"},
		{name: "names the output folders", args: []string{"--state", db}, wantOut: "delete them too:\n  " + outDir + "\n"},
		{name: "purge again", args: []string{"--state", db}, wantOut: "deleted 0 source rows, 0 customers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := purgeCommand(ctx, tt.args, &stdout, &stderr)
			var ue usageError
			if got := errors.As(err, &ue); got != tt.wantUsage {
				t.Errorf("usage error = %v (%v), want %v", got, err, tt.wantUsage)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
			}
			if tt.wantErr == "" && err != nil {
				t.Errorf("error = %v", err)
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("stdout = %q, want %q in it", stdout.String(), tt.wantOut)
			}
		})
	}
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(phone)) || bytes.Contains(data, []byte("李晓红")) {
		t.Error("personal data still in the state file after purge")
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.db")); !errors.Is(err, os.ErrNotExist) {
		t.Error("purge created a state file that did not exist")
	}
}
