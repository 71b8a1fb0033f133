package report

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crmclean/crmclean/pipeline/record"
)

func render(t *testing.T, in Input, lang string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderHTML(&buf, Build(in), lang); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestHTMLSelfContained checks that the page loads nothing: no URL, no
// script, no external resource, and a CSP that forbids loading anything.
func TestHTMLSelfContained(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			page := render(t, fixtureInput(), lang)
			csp := `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:">`
			if !strings.Contains(page, csp) {
				t.Errorf("page lacks the CSP meta %s", csp)
			}
			lower := strings.ToLower(page)
			for _, bad := range []string{"http://", "https://", "<script", "<link", "<iframe", "<object", "<embed", "<img", "@import", "url("} {
				if strings.Contains(lower, bad) {
					i := strings.Index(lower, bad)
					t.Errorf("page contains %q: …%s…", bad, page[max(0, i-60):min(len(page), i+60)])
				}
			}
			for _, tag := range tagRE.FindAllString(lower, -1) {
				if strings.Contains(tag, "src=") || strings.Contains(tag, "href=") && !strings.Contains(tag, `href="#`) {
					t.Errorf("tag %s refers to a resource", tag)
				}
			}
		})
	}
}

// TestHTMLEscapes checks that values from spreadsheets cannot inject markup.
func TestHTMLEscapes(t *testing.T) {
	page := render(t, fixtureInput(), "zh")
	if strings.Contains(page, hostileTxt) {
		t.Errorf("page contains the unescaped value %s", hostileTxt)
	}
	if !strings.Contains(page, "&lt;img") {
		t.Errorf("page lacks the escaped value of %s", hostileTxt)
	}
}

func TestHTMLLanguage(t *testing.T) {
	cases := []struct {
		lang      string
		want      []string
		forbidden []string
	}{
		{"zh", []string{`lang="zh-CN"`, "客户数据质量报告", "需处理后上线", "问题类型", "重复客户", "拒绝的行", "地址解析率", "电话类型", "运行设置", "2 对疑似重复客户待人工确认"},
			[]string{"Issues by type", "Fix before going live"}},
		{"en", []string{`lang="en"`, "Customer data quality report", "Fix before going live", "Issues by type", "Duplicates",
			"Rejected rows by reason", "Address resolution", "Phone mix", "Run settings", "2 doubtful duplicate pairs to decide"},
			[]string{"问题类型", "需处理后上线", "数据质量分"}},
		{"", []string{`lang="zh-CN"`, "需处理后上线"}, nil},
	}
	for _, c := range cases {
		t.Run("lang="+c.lang, func(t *testing.T) {
			page := render(t, fixtureInput(), c.lang)
			for _, s := range c.want {
				if !strings.Contains(page, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range c.forbidden {
				if strings.Contains(page, s) {
					t.Errorf("page contains %q", s)
				}
			}
		})
	}
}

func TestHTMLReady(t *testing.T) {
	in := fixtureInput()
	in.Files = in.Files[:2]
	in.Match.Review = nil
	in.Records = dataRowsKept(in.Records)
	page := render(t, in, "zh")
	if !strings.Contains(page, "可以上线") || strings.Contains(page, "需处理后上线") {
		t.Error("a clean run should read 可以上线")
	}
}

func dataRowsKept(recs []*record.Record) []*record.Record {
	var out []*record.Record
	for _, r := range recs {
		if r.Status != "rejected" {
			out = append(out, r)
		}
	}
	return out
}

// chromium finds a headless browser, or skips the test unless
// CRMCLEAN_REQUIRE_CHROMIUM=1 demands one.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CRMCLEAN_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium not found and CRMCLEAN_REQUIRE_CHROMIUM=1 (install the Debian package chromium)")
	}
	t.Skip("chromium not found; set CRMCLEAN_REQUIRE_CHROMIUM=1 to make this a failure")
	return ""
}

func runChromium(t *testing.T, bin, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
		`--host-resolver-rules=MAP * ~NOTFOUND`, "--disable-background-networking", "--no-first-run",
		"--user-data-dir=" + t.TempDir(), "--lang=zh-CN"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("chromium timed out; stderr:\n%s", stderr.String())
	}
	if err != nil {
		t.Fatalf("chromium: %v; stderr:\n%s", err, stderr.String())
	}
	return out
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// TestChromiumRender opens report.html in headless Chromium and checks that
// the key figures are in the rendered page. Set CRMCLEAN_REPORT_SCREENSHOT
// to a PNG path to keep a screenshot of the first screen.
func TestChromiumRender(t *testing.T) {
	bin := chromium(t)
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			dir := t.TempDir()
			r := Build(fixtureInput())
			if err := WriteHTML(dir, r, lang); err != nil {
				t.Fatal(err)
			}
			url := "file://" + filepath.Join(dir, "report.html")
			dom := string(runChromium(t, bin, dir, "--dump-dom", url))
			text := tagRE.ReplaceAllString(dom, " ")
			want := map[string][]string{
				"zh": {"需处理后上线", "输出客户", "待确认重复对", "拒绝的行", "数据质量分", "69.0", "1 个文件无法读取", "1 行数据被拒绝",
					"其中 crmclean 修复了 2 处", "另请核对（不影响上线）", "行数据有需人工处理的问题"},
				"en": {"Fix before going live", "Customers out", "Pairs to review", "Rows rejected", "Data quality score", "69.0", "1 file could not be read", "1 row rejected",
					"crmclean repaired 2 values", "Also check (not blocking)", "rows have a problem for a person to fix"},
			}[lang]
			for _, s := range want {
				if !strings.Contains(text, s) {
					t.Errorf("rendered page lacks %q", s)
				}
			}
			// The big numbers: customers, data rows, merged, review pairs,
			// rejected, the score as written.
			kpis := regexp.MustCompile(`<div class="n[^"]*">([^<]*)</div>`).FindAllStringSubmatch(dom, -1)
			var got []string
			for _, k := range kpis {
				got = append(got, k[1])
			}
			if want := "5 7 1 2 1 69.0"; strings.Join(got, " ") != want {
				t.Errorf("key figures = %q, want %q", strings.Join(got, " "), want)
			}
			if strings.Contains(dom, "<svg") == false || !strings.Contains(dom, "<rect") {
				t.Error("rendered page has no SVG bar chart")
			}
			if png := os.Getenv("CRMCLEAN_REPORT_SCREENSHOT"); png != "" {
				out, err := filepath.Abs(strings.TrimSuffix(png, ".png") + "-" + lang + ".png")
				if err != nil {
					t.Fatal(err)
				}
				runChromium(t, bin, dir, "--screenshot="+out, "--window-size=1280,1000", "--hide-scrollbars", url)
				if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
					t.Errorf("no screenshot written to %s: %v", out, err)
				}
				t.Logf("screenshot: %s", out)
			}
		})
	}
}
