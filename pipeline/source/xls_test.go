package source

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestOpenXLS(t *testing.T) {
	tests := []struct {
		name     string
		path     func(t *testing.T) string
		want     error  // nil: the file is read
		wantHint string // for errors
		wantDump string // for files read
	}{
		{
			name:     "legacy binary workbook",
			path:     func(t *testing.T) string { return copyTestdata(t, "legacy.xls", "客户.xls") },
			want:     ErrUnsupported,
			wantHint: "open it in Excel or WPS and save as .xlsx (Excel Workbook)",
		},
		{
			name: "xlsx package named .xls",
			path: func(t *testing.T) string {
				p := excelizeBook(t, func(f *excelize.File) error {
					return f.SetSheetRow("Sheet1", "A1", &[]any{"杭州西湖茶叶有限公司", 13800138000})
				})
				q := strings.TrimSuffix(p, ".xlsx") + ".xls"
				if err := os.Rename(p, q); err != nil {
					t.Fatal(err)
				}
				return q
			},
			wantDump: "sheet \"Sheet1\"\n1: 杭州西湖茶叶有限公司 | 13800138000#n\n",
		},
		{
			name: "password-protected",
			path: func(t *testing.T) string {
				f := excelize.NewFile()
				defer f.Close()
				p := filepath.Join(t.TempDir(), "locked.xlsx")
				if err := f.SaveAs(p, excelize.Options{Password: "x"}); err != nil {
					t.Fatal(err)
				}
				q := strings.TrimSuffix(p, ".xlsx") + ".xls"
				if err := os.Rename(p, q); err != nil {
					t.Fatal(err)
				}
				return q
			},
			want:     ErrEncrypted,
			wantHint: "remove the password",
		},
		{
			name: "empty",
			path: func(t *testing.T) string { return writeTemp(t, "empty.xls", nil) },
			want: ErrEmpty,
		},
		{
			name: "HTML table named .xls",
			path: func(t *testing.T) string {
				return writeTemp(t, "export.xls", []byte("<html><table><tr><td>张三</td></tr></table></html>"))
			},
			want:     ErrUnsupported,
			wantHint: "save as .xlsx",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.path(t)
			f, err := Open(p)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				defer f.Close()
				if got := dumpFile(t, f); got != tt.wantDump {
					t.Errorf("got:\n%s\nwant:\n%s", got, tt.wantDump)
				}
				return
			}
			if err == nil {
				f.Close()
				t.Fatalf("got no error, want %v", tt.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want a *FileError wrapping %v", err, tt.want)
			}
			if !strings.Contains(fe.Hint, tt.wantHint) {
				t.Errorf("got hint %q, want one containing %q", fe.Hint, tt.wantHint)
			}
		})
	}
}
