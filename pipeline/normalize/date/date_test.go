package date

import (
	"testing"
)

var cst = Options{TimeZone: "+08:00"}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" means not ok
	}{
		{"iso date", "2023-01-05", "2023-01-05"},
		{"dashes no padding", "2023-1-5", "2023-01-05"},
		{"slashes", "2023/1/5", "2023-01-05"},
		{"slashes padded", "2023/01/05", "2023-01-05"},
		{"dots", "2023.01.05", "2023-01-05"},
		{"chinese", "2023年1月5日", "2023-01-05"},
		{"chinese padded", "2023年01月05日", "2023-01-05"},
		{"chinese without ri", "2023年1月5", "2023-01-05"},
		{"chinese hao", "2023年1月5号", "2023-01-05"},
		{"chinese with spaces", "2023 年 1 月 5 日", "2023-01-05"},
		{"chinese time", "2023年01月05日 10时22分", "2023-01-05T10:22:00+08:00"},
		{"chinese time seconds", "2023年01月05日10时22分33秒", "2023-01-05T10:22:33+08:00"},
		{"chinese dian", "2023年1月5日 10点22分", "2023-01-05T10:22:00+08:00"},
		{"compact", "20230105", "2023-01-05"},
		{"compact date-time", "20230105102233", "2023-01-05T10:22:33+08:00"},
		{"date minutes", "2023-01-05 10:22", "2023-01-05T10:22:00+08:00"},
		{"date seconds unpadded", "2023-1-5 10:22:33", "2023-01-05T10:22:33+08:00"},
		{"slashed seconds", "2023/01/05 10:22:33", "2023-01-05T10:22:33+08:00"},
		{"one-digit hour", "2023/1/5 9:05", "2023-01-05T09:05:00+08:00"},
		{"fraction dropped", "2023-01-05 10:22:33.789", "2023-01-05T10:22:33+08:00"},
		{"iso local", "2023-01-05T10:22:00", "2023-01-05T10:22:00+08:00"},
		{"iso with zone", "2023-01-05T10:22:00+08:00", "2023-01-05T10:22:00+08:00"},
		{"iso utc converted", "2023-01-05T02:22:00Z", "2023-01-05T10:22:00+08:00"},
		{"iso lower z", "2023-01-05t02:22:00z", "2023-01-05T10:22:00+08:00"},
		{"offset without colon", "2023-01-05 10:22:00 +0000", "2023-01-05T18:22:00+08:00"},
		{"utc crosses midnight", "2023-01-05T20:00:00Z", "2023-01-06T04:00:00+08:00"},
		{"iso millis utc", "2023-01-05T02:22:00.000Z", "2023-01-05T10:22:00+08:00"},
		{"weekday after time", "2023-01-05 10:22:33 星期四", "2023-01-05T10:22:33+08:00"},
		{"java date string", "Thu Jan 05 10:22:33 CST 2023", "2023-01-05T10:22:33+08:00"},
		{"java date string impossible", "Thu Feb 30 10:22:33 CST 2023", ""},
		{"midnight is a date", "2023-01-05 00:00:00", "2023-01-05"},
		{"midnight slashed", "2023/1/5 0:00", "2023-01-05"},
		{"pm chinese", "2023/1/5 下午3:22", "2023-01-05T15:22:00+08:00"},
		{"am twelve", "2023/1/5 上午12:30", "2023-01-05T00:30:00+08:00"},
		{"pm english", "2023-01-05 3:22 PM", "2023-01-05T15:22:00+08:00"},
		{"weekday", "2023年1月5日 星期四", "2023-01-05"},
		{"weekday bracketed", "2023-01-05(周四)", "2023-01-05"},
		{"full-width digits", "２０２３－０１－０５", "2023-01-05"},
		{"padded", "  2023-01-05\u3000", "2023-01-05"},
		{"leap day", "2024-02-29", "2024-02-29"},
		{"day first unambiguous", "25/12/2023", "2023-12-25"},
		{"month first unambiguous", "12/25/2023", "2023-12-25"},
		{"same day and month", "05/05/2023", "2023-05-05"},
		{"excel serial", "44927", "2023-01-01"},
		{"excel serial noon", "44927.5", "2023-01-01T12:00:00+08:00"},
		{"excel serial one", "1", "1900-01-01"},
		{"excel serial before lotus day", "59", "1900-02-28"},
		{"excel serial after lotus day", "61", "1900-03-01"},
		{"excel serial rounding to next day", "44927.999999", "2023-01-02"},
		// Not dates.
		{"ambiguous day month", "05/01/2023", ""},
		{"february 30", "2023-02-30", ""},
		{"not a leap year", "2023-02-29", ""},
		{"month 13", "2023-13-01", ""},
		{"day 0", "2023-01-00", ""},
		{"hour 24", "2023-01-05 24:00", ""},
		{"minute 60", "2023-01-05 10:60", ""},
		{"pm with 24h hour", "2023-01-05 下午15:00", ""},
		{"excel lotus day", "60", ""},
		{"excel serial zero", "0", ""},
		{"excel serial too far", "2958466", ""},
		{"serial beyond max year", "100000", ""},
		{"year too small", "1800-01-01", ""},
		{"year too large", "2201-01-01", ""},
		{"two-digit year", "23-1-5", ""},
		{"mixed separators", "2023-01/05", ""},
		{"month only", "2023-01", ""},
		{"chinese month only", "2023年1月", ""},
		{"word after date", "2023-01-05 左右", ""},
		{"dangling colon", "2023-01-05 10:22:", ""},
		{"negative number", "-44927", ""},
		{"text", "不详", ""},
		{"empty", "", ""},
		{"compact bad month", "20231305", ""},
		{"bad zone hour", "2023-01-05T10:22:00+15:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.in, cst)
			if tt.want == "" {
				if ok {
					t.Errorf("Parse(%q) = %q, want not ok", tt.in, got)
				}
				return
			}
			if !ok || got != tt.want {
				t.Errorf("Parse(%q) = %q, %v, want %q", tt.in, got, ok, tt.want)
			}
			if again, ok := Parse(got, cst); !ok || again != got {
				t.Errorf("Parse(%q) = %q, %v, want it unchanged", got, again, ok)
			}
		})
	}
}

func TestParseTimeZone(t *testing.T) {
	tests := []struct {
		name, tz, in, want string
		ok                 bool
	}{
		{"default zone", "", "2023-01-05 10:22", "2023-01-05T10:22:00+08:00", true},
		{"utc", "+00:00", "2023-01-05 10:22", "2023-01-05T10:22:00+00:00", true},
		{"negative", "-05:00", "2023-01-05T10:22:00+08:00", "2023-01-04T21:22:00-05:00", true},
		{"date unaffected", "-05:00", "2023-01-05", "2023-01-05", true},
		{"invalid zone", "CST", "2023-01-05", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.in, Options{TimeZone: tt.tz})
			if got != tt.want || ok != tt.ok {
				t.Errorf("Parse(%q, %q) = %q, %v, want %q, %v", tt.in, tt.tz, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2023-01-05", "2023年01月05日 10时22分", "44927.5", "20230105102233", "2023-01-05T02:22:00Z",
		"25/12/2023", "2023/1/5 下午3:22", "60", "2023-02-30", "", "2023-01-05 10:22:00 +0000", "2023年1月5日 星期四"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iso, ok := Parse(s, cst)
		if !ok {
			if iso != "" {
				t.Fatalf("Parse(%q) = %q with ok false", s, iso)
			}
			return
		}
		again, ok := Parse(iso, cst)
		if !ok || again != iso {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, iso, again, ok)
		}
		if len(iso) != 10 && len(iso) != 25 {
			t.Fatalf("Parse(%q) = %q: not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+hh:mm", s, iso)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	cells := []string{"2023-01-05", "2023/1/5", "2023年01月05日 10时22分", "44927", "2023-01-05 10:22:33", "20230105", "2023-01-05T02:22:00Z", "不详"}
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cells {
			Parse(c, cst)
		}
	}
	b.ReportMetric(float64(b.N*len(cells))/b.Elapsed().Seconds(), "rows/s")
}
