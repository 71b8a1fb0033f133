package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
)

//go:embed report.html.tmpl
var pageTemplate string

// page is the parsed page template; RenderHTML clones it with the
// functions of one language.
var page = template.Must(template.New("report").Funcs(funcs("zh")).Parse(pageTemplate))

// CSP is the Content-Security-Policy of report.html: it forbids loading
// anything, so the page behaves the same offline and leaks nothing.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

// WriteJSON writes r as report.json into dir, readable by the owner only.
func WriteJSON(dir string, r *Report) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report.json: %w", err)
	}
	return writeFile(filepath.Join(dir, "report.json"), append(data, '\n'))
}

// WriteHTML writes r as report.html into dir, readable by the owner only,
// in lang: "en" for English, anything else for Simplified Chinese.
func WriteHTML(dir string, r *Report, lang string) error {
	var buf bytes.Buffer
	if err := RenderHTML(&buf, r, lang); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "report.html"), buf.Bytes())
}

// RenderHTML renders r as a self-contained HTML page into w, in lang:
// "en" for English, anything else for Simplified Chinese.
func RenderHTML(w io.Writer, r *Report, lang string) error {
	if lang != "en" {
		lang = "zh"
	}
	t, err := page.Clone()
	if err != nil {
		return fmt.Errorf("prepare report template: %w", err)
	}
	t.Funcs(funcs(lang))
	v := view{R: r, Lang: lang, CSP: CSP}
	v.FieldChart = fieldChart(r, lang)
	v.SizeChart = sizeChart(r)
	v.PhoneChart = phoneChart(r, lang)
	v.ScoreChart = scoreChart(r, lang)
	if err := t.Execute(w, v); err != nil {
		return fmt.Errorf("render report.html: %w", err)
	}
	return nil
}

func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// view is what the page template sees.
type view struct {
	R          *Report
	Lang       string
	CSP        string
	FieldChart chart
	SizeChart  chart
	PhoneChart chart
	ScoreChart chart
}

// chart is a small horizontal bar chart drawn as inline SVG.
type chart struct {
	Width, Height int
	Rows          []chartRow
	Legend        []legendItem
}

type chartRow struct {
	Label string
	LY    float64 // baseline of the label
	Bars  []chartBar
}

type chartBar struct {
	X, Y, W, H float64
	Class      string
	Text       string
	TX, TY     float64
}

type legendItem struct {
	Class, Text string
	X, TX, Y    float64
}

const (
	chartWidth = 500
	labelWidth = 130
	barArea    = 270
	barHeight  = 14
	barGap     = 2
	rowGap     = 10
)

// bars lays out rows of one or more bars each; values are scaled to max.
func bars(labels []string, values [][]float64, texts [][]string, classes []string, max float64) chart {
	c := chart{Width: chartWidth}
	y := 4.0
	for i, l := range labels {
		row := chartRow{Label: l}
		n := len(values[i])
		row.LY = y + float64(n*(barHeight+barGap))/2 + 4
		for k, v := range values[i] {
			w := 0.0
			if max > 0 {
				w = barArea * v / max
			}
			if v > 0 && w < 1 {
				w = 1
			}
			row.Bars = append(row.Bars, chartBar{
				X: labelWidth, Y: y, W: round(w, 1), H: barHeight, Class: classes[k],
				Text: texts[i][k], TX: round(labelWidth+w+6, 1), TY: y + barHeight - 3,
			})
			y += barHeight + barGap
		}
		c.Rows = append(c.Rows, row)
		y += rowGap
	}
	c.Height = int(y) + 4
	return c
}

func fieldChart(r *Report, lang string) chart {
	var labels []string
	var values [][]float64
	var texts [][]string
	for _, f := range r.Fields {
		labels = append(labels, label(lang, f.Field))
		values = append(values, []float64{f.ValidBefore, f.ValidAfter})
		texts = append(texts, []string{pct(f.ValidBefore), pct(f.ValidAfter)})
	}
	c := bars(labels, values, texts, []string{"b0", "b1"}, 1)
	c.Legend = []legendItem{
		{Class: "b0", Text: tr(lang, "legend_before"), X: labelWidth, TX: labelWidth + 16, Y: float64(c.Height)},
		{Class: "b1", Text: tr(lang, "legend_after"), X: labelWidth + 120, TX: labelWidth + 136, Y: float64(c.Height)},
	}
	c.Height += 22
	return c
}

func sizeChart(r *Report) chart {
	var labels []string
	var values [][]float64
	var texts [][]string
	max := 0.0
	for _, s := range r.Duplicates.ClusterSizes {
		labels = append(labels, strconv.Itoa(s.Size))
		values = append(values, []float64{float64(s.Count)})
		texts = append(texts, []string{thousands(s.Count)})
		max = maxf(max, float64(s.Count))
	}
	return bars(labels, values, texts, []string{"b1"}, max)
}

func phoneChart(r *Report, lang string) chart {
	p := r.Phones
	items := []struct {
		key string
		n   int
	}{{"mobile", p.Mobile}, {"landline", p.Landline}, {"service", p.Service}, {"other", p.Other}, {"invalid", p.Invalid}}
	var labels []string
	var values [][]float64
	var texts [][]string
	max := 0.0
	for _, it := range items {
		l := label(lang, it.key)
		if it.key == "invalid" {
			l = tr(lang, "invalid")
		}
		labels = append(labels, l)
		values = append(values, []float64{float64(it.n)})
		texts = append(texts, []string{thousands(it.n)})
		max = maxf(max, float64(it.n))
	}
	c := bars(labels, values, texts, []string{"b1"}, max)
	// The invalid bar in the warning colour.
	if n := len(c.Rows); n > 0 {
		c.Rows[n-1].Bars[0].Class = "bw"
	}
	return c
}

func scoreChart(r *Report, lang string) chart {
	var labels []string
	var values [][]float64
	var texts [][]string
	var classes []string
	for _, f := range r.Quality.Files {
		labels = append(labels, shorten(f.SourceFile, 14))
		values = append(values, []float64{f.Score})
		texts = append(texts, []string{fmt.Sprintf("%.1f", f.Score) + " · " + trf(lang, "n_rows", thousands(f.DataRows))})
	}
	classes = []string{"b1"}
	c := bars(labels, values, texts, classes, 100)
	for i := range c.Rows {
		c.Rows[i].Bars[0].Class = scoreClass(r.Quality.Files[i].Score)
	}
	return c
}

func scoreClass(s float64) string {
	switch {
	case s >= 80:
		return "good"
	case s >= 60:
		return "fair"
	}
	return "poor"
}

// shorten keeps the end of a long label, where file names differ.
func shorten(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return "…" + string(rs[len(rs)-n+1:])
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

func pct(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// thousands writes n with comma separators: 12,345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":    func(key string) string { return tr(lang, key) },
		"tf":   func(key string, args ...any) string { return trf(lang, key, args...) },
		"lbl":  func(key string) string { return label(lang, key) },
		"rule": func(rule string) string { return ruleLabel(lang, rule) },
		"pct":  pct,
		"num":  thousands,
		"score": func(f float64) string {
			return strconv.FormatFloat(f, 'f', 1, 64)
		},
		"scoreClass": scoreClass,
		"when":       func(iso string) string { return strings.Replace(iso, "T", " ", 1) },
		"weight":     func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
		"minutes":    func(f float64) string { return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0") },
		"secs": func(f float64) string {
			return trf(lang, "seconds", strconv.FormatFloat(f, 'f', 1, 64))
		},
		"where": func(l Location) string {
			parts := []string{l.SourceFile}
			if l.Sheet != "" {
				parts = append(parts, l.Sheet)
			}
			parts = append(parts, trf(lang, "row_n", strconv.Itoa(l.Row)))
			return strings.Join(parts, " · ")
		},
		"reason": func(code string, n int) string {
			key := map[string]string{
				"review_pairs": "r_review", "rejected_rows": "r_rejected",
				"unreadable_files": "r_files", "unreadable_sheets": "r_sheets", "no_customers": "r_none",
			}[code]
			if msg.T(lang, key+"_1") != key+"_1" && n == 1 {
				key += "_1"
			}
			return trf(lang, key, thousands(n))
		},
		"anchor": func(code string) string {
			return map[string]string{
				"review_pairs": "#review", "rejected_rows": "#rejected",
				"unreadable_files": "#unreadable", "unreadable_sheets": "#unreadable", "no_customers": "#files",
			}[code]
		},
		"yesno": func(b bool) string {
			if b {
				return tr(lang, "yes")
			}
			return tr(lang, "no")
		},
		"minus": func(a, b int) int { return a - b },
		"join":  func(s []string) string { return strings.Join(s, "、") },
		// tfn formats key with the count n, in the singular (key_1) when
		// n is 1 and the catalogue has one.
		"tfn": func(key string, n int) string {
			if n == 1 && msg.T(lang, key+"_1") != key+"_1" {
				key += "_1"
			}
			return trf(lang, key, thousands(n))
		},
		"repaired": func(cs []RuleCount) int {
			n := 0
			for _, c := range cs {
				n += c.Count
			}
			return n
		},
	}
}
