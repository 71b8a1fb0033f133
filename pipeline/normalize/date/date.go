// Package date reads the dates and date-times of customer sheets — Chinese
// (2023年1月5日 10时22分), slashed, dotted, dashed, compact (20230105), ISO
// 8601 and Excel serial numbers given as text — and writes them as ISO 8601
// in the rules file's time zone.
package date

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/rules"
)

// Options configures parsing; TimeZone comes from the rules file.
type Options struct {
	// TimeZone is the zone of date-times written without one, and of every
	// date-time written out, as "+08:00". Empty means +08:00.
	TimeZone string
}

// Years outside this range are taken for typing errors, not dates.
const (
	MinYear = 1900
	MaxYear = 2100
)

// Parse reads s as a date or a date-time. A date gives "2023-01-05"; a
// date-time gives "2023-01-05T10:22:00+08:00" in opt.TimeZone (a date-time
// written with its own zone, 2023-01-05T02:22:00Z, is converted to it). A
// date-time at exactly midnight is written as a date, as spreadsheets add
// 00:00:00 to plain dates.
//
// Accepted, with full-width digits and spaces allowed:
//
//	2023-01-05  2023/1/5  2023.01.05  2023年1月5日  20230105
//	2023-01-05 10:22  2023-1-5 10:22:33  2023/01/05 10:22:33.5  20230105102233
//	2023年01月05日 10时22分(33秒)  2023/1/5 下午3:22  2023-01-05T10:22:00+08:00
//	44927, 44927.5  Excel serial numbers (1900 date system), for date columns
//	Thu Jan 05 10:22:33 CST 2023  Java's Date.toString, CST read as +08:00
//
// Day-first or month-first dates (05/01/2023) are accepted only when they
// cannot be read both ways (25/12/2023, 12/25/2023, 05/05/2023); otherwise,
// and for impossible dates (2023-02-30, month 13, 25:00), years outside
// MinYear–MaxYear, two-digit years and an invalid TimeZone, ok is false and
// the caller reports the value. Chinese data writes the year first.
//
// Parse is idempotent: its output parses to itself.
func Parse(s string, opt Options) (iso string, ok bool) {
	z, err := location(opt.TimeZone)
	if err != nil {
		return "", false
	}
	d, ok := parseFast(s)
	if !ok {
		if d, ok = parse(s); !ok {
			return "", false
		}
	}
	return d.format(z)
}

// stamp is a parsed value before validation.
type stamp struct {
	y, mo, d     int
	h, mi, sec   int
	hasTime      bool
	zone         *time.Location // nil: wall time in the rules' zone
	half         int            // 0, or am/pm marker: 1 am, 2 pm
	serialDays   int            // for Excel serials, days since 1899-12-30 (Lotus bug handled)
	serialSecond int
	serial       bool
}

// zone is the time zone of the output, with its offset as formatted.
type zone struct {
	loc    *time.Location
	offset string // "+08:00", as time.Format writes -07:00
	name   string // the TimeZone it was made for
}

var (
	zones    sync.Map             // string → *zone
	lastZone atomic.Pointer[zone] // the zone asked for last: a run asks for one
)

func location(tz string) (*zone, error) {
	if tz == "" {
		tz = "+08:00"
	}
	if z := lastZone.Load(); z != nil && z.name == tz {
		return z, nil
	}
	if z, ok := zones.Load(tz); ok {
		lastZone.Store(z.(*zone))
		return z.(*zone), nil
	}
	off, err := rules.ParseOffset(tz)
	if err != nil {
		return nil, err
	}
	l := time.FixedZone(tz, off)
	z := &zone{loc: l, offset: time.Date(2000, 1, 1, 0, 0, 0, 0, l).Format("-07:00"), name: tz}
	zones.Store(tz, z)
	return z, nil
}

var (
	serialRE  = regexp.MustCompile(`^[0-9]{1,7}(\.[0-9]+)?$`)
	zoneRE    = regexp.MustCompile(`:[0-9]{2}(?:\.[0-9]+)? ?(Z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)$`)
	weekdayRE = regexp.MustCompile(`\(?(星期|周|礼拜)[一二三四五六日天]\)?`)
	// javaRE matches Java's Date.toString, common in exports from Chinese
	// systems: "Thu Jan 05 10:22:33 CST 2023", where CST is China Standard
	// Time.
	javaRE = regexp.MustCompile(`^(?:MON|TUE|WED|THU|FRI|SAT|SUN) (JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC) ([0-9]{1,2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) (?:CST|GMT\+08:00) ([0-9]{4})$`)
	months = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
)

// fromJava reads the parts of a javaRE match; CST is +08:00.
func fromJava(m []string, st stamp) (stamp, bool) {
	if st.half != 0 {
		return stamp{}, false
	}
	for i, name := range months {
		if m[1] == name {
			st.mo = i + 1
		}
	}
	st.d, st.h, st.mi, st.sec, st.y = atoi(m[2]), atoi(m[3]), atoi(m[4]), atoi(m[5]), atoi(m[6])
	st.hasTime = true
	st.zone = time.FixedZone("CST", 8*3600)
	return st, true
}

func parse(s string) (stamp, bool) {
	s = strings.ToUpper(text.Clean(s))
	if s == "" {
		return stamp{}, false
	}
	if text.AllDigits(s) && (len(s) == 8 || len(s) == 12 || len(s) == 14) {
		return compact(s, stamp{})
	}
	if serialRE.MatchString(s) {
		return parseSerial(s)
	}
	var st stamp
	s = weekdayRE.ReplaceAllString(s, " ")
	for _, w := range []struct {
		word string
		half int
	}{{"下午", 2}, {"晚上", 2}, {"PM", 2}, {"上午", 1}, {"凌晨", 1}, {"早上", 1}, {"AM", 1}} {
		if strings.Contains(s, w.word) {
			if st.half != 0 {
				return stamp{}, false
			}
			st.half = w.half
			s = strings.Replace(s, w.word, " ", 1)
		}
	}
	if m := javaRE.FindStringSubmatch(s); m != nil {
		return fromJava(m, st)
	}
	s = strings.TrimSpace(s)
	if m := zoneRE.FindStringSubmatchIndex(s); m != nil {
		z := s[m[2]:m[3]]
		loc, ok := parseZone(z)
		if !ok {
			return stamp{}, false
		}
		st.zone = loc
		s = s[:m[2]]
	}
	s = strings.TrimSpace(s)
	if text.AllDigits(s) && (len(s) == 12 || len(s) == 14) {
		return compact(s, st)
	}
	return st.fromTokens(tokenize(s))
}

func parseZone(z string) (*time.Location, bool) {
	switch z {
	case "Z", "UTC", "GMT":
		return time.UTC, true
	}
	sign := 1
	if z[0] == '-' {
		sign = -1
	}
	digits := strings.ReplaceAll(z[1:], ":", "")
	h, _ := strconv.Atoi(digits[:2])
	m := 0
	if len(digits) == 4 {
		m, _ = strconv.Atoi(digits[2:])
	}
	if h > 14 || m > 59 {
		return nil, false
	}
	return time.FixedZone("", sign*(h*3600+m*60)), true
}

type token struct {
	num bool
	s   string // digits, or the separator with outer spaces trimmed ("" for spaces only)
}

func tokenize(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		j := i
		num := s[i] >= '0' && s[i] <= '9'
		for j < len(s) && (s[j] >= '0' && s[j] <= '9') == num {
			j++
		}
		t := s[i:j]
		if !num {
			t = strings.TrimSpace(t)
		}
		toks = append(toks, token{num: num, s: t})
		i = j
	}
	return toks
}

// compact reads 20230105, 202301051022 and 20230105102233.
func compact(s string, st stamp) (stamp, bool) {
	st.y, _ = strconv.Atoi(s[:4])
	st.mo, _ = strconv.Atoi(s[4:6])
	st.d, _ = strconv.Atoi(s[6:8])
	if len(s) >= 12 {
		st.hasTime = true
		st.h, _ = strconv.Atoi(s[8:10])
		st.mi, _ = strconv.Atoi(s[10:12])
		if len(s) == 14 {
			st.sec, _ = strconv.Atoi(s[12:14])
		}
	}
	return st, st.half == 0 || st.hasTime
}

// dateSeps are the accepted pairs of separators in a year-first date.
var dateSeps = map[[2]string]bool{{"-", "-"}: true, {"/", "/"}: true, {".", "."}: true, {"年", "月"}: true}

func (st stamp) fromTokens(toks []token) (stamp, bool) {
	// Leading spaces left by a removed word.
	for len(toks) > 0 && !toks[0].num && toks[0].s == "" {
		toks = toks[1:]
	}
	if len(toks) < 5 || !toks[0].num || !toks[2].num || !toks[4].num {
		return stamp{}, false
	}
	a, b, c := toks[0].s, toks[2].s, toks[4].s
	s1, s2 := toks[1].s, toks[3].s
	switch {
	case len(a) == 4 && len(b) <= 2 && len(c) <= 2 && dateSeps[[2]string{s1, s2}]:
		st.y, st.mo, st.d = atoi(a), atoi(b), atoi(c)
	case len(c) == 4 && len(a) <= 2 && len(b) <= 2 && s1 == s2 && (s1 == "/" || s1 == "-" || s1 == "."):
		x, y := atoi(a), atoi(b)
		switch {
		case x == y || x > 12 && y <= 12:
			st.d, st.mo = x, y
		case y > 12 && x <= 12:
			st.mo, st.d = x, y
		default:
			return stamp{}, false // 05/01/2023: 5 January or May 1?
		}
		st.y = atoi(c)
	default:
		return stamp{}, false
	}
	rest := toks[5:]
	// After the day: 日 or 号 in a Chinese date, then nothing, or a space or
	// "T" before a time.
	if len(rest) > 0 && !rest[0].num {
		sep := rest[0].s
		if s1 == "年" {
			for _, w := range []string{"日", "号", "號"} {
				if strings.HasPrefix(sep, w) {
					sep = strings.TrimSpace(sep[len(w):])
					break
				}
			}
		}
		if sep != "" && sep != "T" {
			return stamp{}, false
		}
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return st, st.half == 0
	}
	return st.time(rest)
}

// time reads 10:22, 10:22:33, 10:22:33.5, 10时22分, 10时22分33秒, 10点22分.
func (st stamp) time(toks []token) (stamp, bool) {
	if len(toks) < 3 || !toks[0].num || !toks[2].num || len(toks[0].s) > 2 || len(toks[2].s) != 2 && len(toks[2].s) != 1 {
		return stamp{}, false
	}
	chinese := false
	switch toks[1].s {
	case ":":
	case "时", "時", "点", "點":
		chinese = true
	default:
		return stamp{}, false
	}
	st.hasTime = true
	st.h, st.mi = atoi(toks[0].s), atoi(toks[2].s)
	rest := toks[3:]
	if len(rest) == 0 {
		return st, true
	}
	switch {
	case !chinese && rest[0].s == ":" || chinese && rest[0].s == "分":
	default:
		return stamp{}, false
	}
	rest = rest[1:]
	if len(rest) == 0 {
		return st, chinese // "10:22:" is not a time; "10时22分" is
	}
	if !rest[0].num || len(rest[0].s) > 2 {
		return stamp{}, false
	}
	st.sec = atoi(rest[0].s)
	rest = rest[1:]
	switch {
	case len(rest) == 0:
		return st, true
	case chinese && len(rest) == 1 && rest[0].s == "秒":
		return st, true
	case !chinese && len(rest) == 2 && rest[0].s == "." && rest[1].num && len(rest[1].s) <= 9:
		return st, true // fractions of a second are dropped
	}
	return stamp{}, false
}

// parseSerial reads an Excel serial date of the 1900 date system: day 1 is
// 1900-01-01, and day 60 is the 1900-02-29 that Lotus 1-2-3 invented and
// Excel kept, so it is rejected and later days count from 1899-12-30.
func parseSerial(s string) (stamp, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 1 || v >= 2958466 {
		return stamp{}, false
	}
	days := math.Floor(v)
	secs := int(math.Round((v - days) * 86400))
	n := int(days)
	if n == 60 {
		return stamp{}, false
	}
	if n < 60 {
		n++ // count from 1899-12-31
	}
	return stamp{serial: true, serialDays: n, serialSecond: secs, hasTime: secs != 0}, true
}

// format validates st and writes it in z. Wall-clock stamps (no zone of
// their own, not an Excel serial) are written directly; formatTime handles
// every stamp through package time and is the reference formatWall is tested
// against.
func (st stamp) format(z *zone) (string, bool) {
	if st.zone == nil && !st.serial {
		return st.formatWall(z)
	}
	return st.formatTime(z.loc)
}

func (st stamp) formatTime(loc *time.Location) (string, bool) {
	var t time.Time
	if st.serial {
		t = time.Date(1899, 12, 30, 0, 0, st.serialSecond, 0, loc).AddDate(0, 0, st.serialDays)
		if st.serialSecond == 86400 {
			st.hasTime = false
		}
	} else {
		if !st.to24h() {
			return "", false
		}
		if st.mo < 1 || st.mo > 12 || st.d < 1 || st.d > daysIn(st.y, st.mo) ||
			st.h > 23 || st.mi > 59 || st.sec > 59 {
			return "", false
		}
		zone := loc
		if st.zone != nil {
			zone = st.zone
		}
		t = time.Date(st.y, time.Month(st.mo), st.d, st.h, st.mi, st.sec, 0, zone).In(loc)
	}
	if t.Year() < MinYear || t.Year() > MaxYear {
		return "", false
	}
	if !st.hasTime || t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02"), true
	}
	return t.Format("2006-01-02T15:04:05-07:00"), true
}

// to24h turns an am/pm hour into a 24-hour one; false for an hour past 12
// with am or pm.
func (st *stamp) to24h() bool {
	switch st.half {
	case 1: // am: 12 is midnight
		if st.h > 12 {
			return false
		}
		if st.h == 12 {
			st.h = 0
		}
	case 2: // pm
		if st.h > 12 {
			return false
		}
		if st.h < 12 {
			st.h += 12
		}
	}
	return true
}

// formatWall is formatTime for a stamp read as wall-clock time in z, which
// needs no conversion: the fields are checked and written as they are.
func (st stamp) formatWall(z *zone) (string, bool) {
	if st.y < 0 || st.mo < 0 || st.d < 0 || st.h < 0 || st.mi < 0 || st.sec < 0 {
		return st.formatTime(z.loc) // parse never makes these; time.Date would normalize them
	}
	if !st.to24h() {
		return "", false
	}
	if st.mo < 1 || st.mo > 12 || st.d < 1 || st.d > daysIn(st.y, st.mo) ||
		st.h > 23 || st.mi > 59 || st.sec > 59 ||
		st.y < MinYear || st.y > MaxYear {
		return "", false
	}
	if !st.hasTime || st.h == 0 && st.mi == 0 && st.sec == 0 {
		return day(st.y, st.mo, st.d), true
	}
	b := make([]byte, 0, len("2006-01-02T15:04:05-07:00"))
	b = appendDay(b, st.y, st.mo, st.d)
	b = append2(append(b, 'T'), st.h)
	b = append2(append(b, ':'), st.mi)
	b = append2(append(b, ':'), st.sec)
	return string(append(b, z.offset...)), true
}

// days holds the dates written so far, YYYY-MM-DD, by day of MinYear to
// MaxYear (31 slots a month): rows share one string per date rather than
// holding one each (a million rows' dates took 16 MB).
var days struct {
	once  sync.Once
	slots []atomic.Pointer[string]
}

// day returns y-mo-d written YYYY-MM-DD; the date is valid, in MinYear to
// MaxYear.
func day(y, mo, d int) string {
	days.once.Do(func() { days.slots = make([]atomic.Pointer[string], (MaxYear-MinYear+1)*12*31) })
	slot := &days.slots[((y-MinYear)*12+mo-1)*31+d-1]
	if s := slot.Load(); s != nil {
		return *s
	}
	s := string(appendDay(make([]byte, 0, len("2006-01-02")), y, mo, d))
	slot.Store(&s)
	return s
}

// appendDay appends y-mo-d as YYYY-MM-DD.
func appendDay(b []byte, y, mo, d int) []byte {
	b = append2(append2(b, y/100), y%100)
	b = append2(append(b, '-'), mo)
	return append2(append(b, '-'), d)
}

// append2 appends n (0–99) as two digits.
func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

// parseFast reads the shapes nearly every date column holds — 2023-01-05,
// 2023/1/5, 2023.01.05 and 2023年1月5日, each optionally followed by one
// space and 10:22 or 10:22:33, and 20230105 — exactly as parse would. It
// reports false for anything else, which parse then reads; a false result
// says nothing about the value.
func parseFast(s string) (stamp, bool) {
	if text.AllDigits(s) {
		if len(s) == 8 || len(s) == 12 || len(s) == 14 {
			return compact(s, stamp{})
		}
		return stamp{}, false
	}
	var st stamp
	y, i := digits(s, 0)
	if i != 4 || i >= len(s) {
		return stamp{}, false
	}
	st.y = y
	var sep1, sep2 string
	switch s[i] {
	case '-', '/', '.':
		sep1, sep2 = s[i:i+1], s[i:i+1]
	default:
		sep1, sep2 = "年", "月"
	}
	if !strings.HasPrefix(s[i:], sep1) {
		return stamp{}, false
	}
	j := i + len(sep1)
	if st.mo, i = digits(s, j); i == j || i-j > 2 || !strings.HasPrefix(s[i:], sep2) {
		return stamp{}, false
	}
	j = i + len(sep2)
	if st.d, i = digits(s, j); i == j || i-j > 2 {
		return stamp{}, false
	}
	if sep1 == "年" {
		i = len(s) - len(strings.TrimPrefix(s[i:], "日"))
	}
	if i == len(s) {
		return st, true
	}
	if s[i] != ' ' {
		return stamp{}, false
	}
	j = i + 1
	if st.h, i = digits(s, j); i == j || i-j > 2 || i == len(s) || s[i] != ':' {
		return stamp{}, false
	}
	j = i + 1
	if st.mi, i = digits(s, j); i == j || i-j > 2 {
		return stamp{}, false
	}
	st.hasTime = true
	if i == len(s) {
		return st, true
	}
	if s[i] != ':' {
		return stamp{}, false
	}
	j = i + 1
	if st.sec, i = digits(s, j); i == j || i-j > 2 || i != len(s) {
		return stamp{}, false
	}
	return st, true
}

// digits reads the run of ASCII digits at s[i:], up to nine of them, and
// returns its value and where it ends.
func digits(s string, i int) (n, end int) {
	for end = i; end < len(s) && end-i < 10 && s[end] >= '0' && s[end] <= '9'; end++ {
		n = n*10 + int(s[end]-'0')
	}
	return n, end
}

// daysIn returns the number of days of month m (1–12) of year y in the
// proleptic Gregorian calendar, as time.Date counts them.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
