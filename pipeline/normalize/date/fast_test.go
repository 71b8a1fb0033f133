package date

import (
	"testing"
	"time"
	"unsafe"
)

// parseSlow is Parse without its fast paths: the regular-expression parser
// and the time-package formatter. The fast paths must agree with it.
func parseSlow(s string, opt Options) (string, bool) {
	z, err := location(opt.TimeZone)
	if err != nil {
		return "", false
	}
	d, ok := parse(s)
	if !ok {
		return "", false
	}
	return d.formatTime(z.loc)
}

// fastShapes combines the parts of the shapes parseFast reads, valid and
// not, with their near misses.
func fastShapes() []string {
	years := []string{"2023", "1899", "2101", "2024", "202"}
	parts := []string{"1", "02", "12", "13", "0", "001", ""}
	times := []string{"", " 0:00", " 00:00:00", " 10:22", " 9:05", " 10:22:33", " 23:59:59", " 24:00", " 10:60", " 10:22:60",
		" 1:2:3", " 10:22:", " 10:", " 10", "T10:22", "  10:22", " 10:22:33.5", " 10:22:33 ", " 10:22 PM", " 100:22", " 10:223"}
	var out []string
	for _, y := range years {
		for _, sep := range [][3]string{{"-", "-", ""}, {"/", "/", ""}, {".", ".", ""}, {"-", "/", ""},
			{"年", "月", "日"}, {"年", "月", ""}, {"年", "月", "号"}, {"年", "月", "日日"}} {
			for _, m := range parts {
				for _, d := range []string{"5", "29", "31", "0", "", "123"} {
					for _, t := range times {
						out = append(out, y+sep[0]+m+sep[1]+d+sep[2]+t)
					}
				}
			}
		}
	}
	return append(out, "20230105", "20230230", "202301051022", "20230105102233", "20230105246000", "2023010", "44927",
		"2023-01-05 ", " 2023-01-05", "2023-01-05\u00a010:22", "２０２３-01-05", "2023-01-05T10:22:00Z", "2023-01-05 10:22:00 +0000")
}

func TestParseFastAgrees(t *testing.T) {
	fast := 0
	for _, s := range fastShapes() {
		if st, ok := parseFast(s); ok {
			fast++
			want, wantOK := parse(s)
			if !wantOK || st != want {
				t.Errorf("parseFast(%q) = %+v, parse gives %+v, %v", s, st, want, wantOK)
			}
		}
		for _, tz := range []string{"", "-05:30"} {
			opt := Options{TimeZone: tz}
			got, ok := Parse(s, opt)
			want, wantOK := parseSlow(s, opt)
			if got != want || ok != wantOK {
				t.Errorf("Parse(%q, %q) = %q, %v; slow path gives %q, %v", s, tz, got, ok, want, wantOK)
			}
		}
	}
	if fast < 1000 {
		t.Errorf("parseFast read only %d of the shapes: the fast path is not taken", fast)
	}
}

func FuzzParseFast(f *testing.F) {
	for _, s := range []string{"2023-01-05", "2023/1/5 10:22", "2023.01.05 10:22:33", "2023年1月5日", "2023年1月5日 9:05",
		"20230105", "2023-02-29", "2023-1-5 24:00", "2023-01-05T10:22", "1899-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if st, ok := parseFast(s); ok {
			if want, wantOK := parse(s); !wantOK || st != want {
				t.Fatalf("parseFast(%q) = %+v, parse gives %+v, %v", s, st, want, wantOK)
			}
		}
		got, ok := Parse(s, cst)
		want, wantOK := parseSlow(s, cst)
		if got != want || ok != wantOK {
			t.Fatalf("Parse(%q) = %q, %v; slow path gives %q, %v", s, got, ok, want, wantOK)
		}
	})
}

func FuzzFormatWall(f *testing.F) {
	f.Add(2023, 1, 5, 10, 22, 33, true, 0)
	f.Add(2024, 2, 29, 0, 0, 0, true, 0)
	f.Add(2023, 2, 29, 0, 0, 0, false, 0)
	f.Add(1900, 12, 31, 12, 0, 0, true, 1)
	f.Add(2100, 1, 1, 12, 30, 0, true, 2)
	f.Add(2101, 1, 1, 0, 0, 0, false, 0)
	f.Add(2023, -1, 5, 0, 0, 0, false, 0)
	f.Fuzz(func(t *testing.T, y, mo, d, h, mi, sec int, hasTime bool, half int) {
		// parse makes fields of at most four (year) or two digits.
		st := stamp{y: y % 10000, mo: mo % 100, d: d % 100, h: h % 100, mi: mi % 100, sec: sec % 100, hasTime: hasTime, half: half % 3}
		for _, tz := range []string{"+08:00", "-05:30", "+00:00"} {
			z, err := location(tz)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := st.formatWall(z)
			want, wantOK := st.formatTime(z.loc)
			if got != want || ok != wantOK {
				t.Fatalf("%+v in %s: formatWall = %q, %v; formatTime = %q, %v", st, tz, got, ok, want, wantOK)
			}
		}
	})
}

func TestDaysInAgrees(t *testing.T) {
	for y := -800; y <= 3200; y++ {
		for m := 1; m <= 12; m++ {
			if got, want := daysIn(y, m), time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day(); got != want {
				t.Fatalf("daysIn(%d, %d) = %d, time.Date gives %d", y, m, got, want)
			}
		}
	}
}

// TestDatesShareTheirText checks that rows with the same date share one
// string, whatever its spelling, and that the boundary dates are written
// right.
func TestDatesShareTheirText(t *testing.T) {
	a, okA := Parse("2023-01-05", cst)
	b, okB := Parse("2023年1月5日", cst)
	if !okA || !okB || a != "2023-01-05" || b != a {
		t.Fatalf("Parse = %q %v, %q %v; want 2023-01-05 twice", a, okA, b, okB)
	}
	if unsafe.StringData(a) != unsafe.StringData(b) {
		t.Error("two rows with one date hold a string each")
	}
	for _, tt := range []struct{ in, want string }{
		{"1900-01-01", "1900-01-01"}, {"2100-12-31", "2100-12-31"}, {"2024/2/29", "2024-02-29"},
	} {
		if got, ok := Parse(tt.in, cst); !ok || got != tt.want {
			t.Errorf("Parse(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}
