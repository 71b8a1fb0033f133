package source

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/crmclean/crmclean/pipeline/record"
)

// dumpFile renders every sheet of f compactly for comparison:
//
//	sheet "名单"
//	1: 客户清单 | 客户清单+m
//	2:
//	3: 13800138000#n | 2024-01-02#d | 123456789012345678#n!lossy
func dumpFile(t *testing.T, f *File) string {
	t.Helper()
	var b strings.Builder
	for _, s := range f.Sheets {
		fmt.Fprintf(&b, "sheet %q\n", s.Name)
		for row, err := range s.Rows {
			if err != nil {
				fmt.Fprintf(&b, "error: %v\n", err)
				break
			}
			b.WriteString(dumpRow(row))
			b.WriteByte('\n')
		}
	}
	for _, s := range f.Skipped {
		fmt.Fprintf(&b, "skipped %q: %s\n", s.Name, s.Reason)
	}
	return b.String()
}

func dumpRow(row Row) string {
	var b strings.Builder
	if row.End != 0 {
		fmt.Fprintf(&b, "%d-%d:", row.Num, row.End)
	} else {
		fmt.Fprintf(&b, "%d:", row.Num)
	}
	for i, c := range row.Cells {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString(" | ")
		}
		b.WriteString(c.Text)
		switch c.Type {
		case Number:
			b.WriteString("#n")
		case Date:
			b.WriteString("#d")
		case Bool:
			b.WriteString("#b")
		case ErrorValue:
			b.WriteString("#e")
		}
		if c.Merged {
			b.WriteString("+m")
		}
		if c.Lossy {
			b.WriteString("!lossy")
		}
	}
	for _, is := range row.Issues {
		fmt.Fprintf(&b, " !%s@%s", is.Rule, record.ColumnName(is.Col))
	}
	return b.String()
}

// excelizeBook builds a workbook with excelize and saves it in a temp dir.
func excelizeBook(t testing.TB, build func(f *excelize.File) error) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := build(f); err != nil {
		t.Fatalf("build workbook: %v", err)
	}
	p := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatalf("save workbook: %v", err)
	}
	return p
}

// rawBook is a workbook written part by part, for XML excelize never writes.
type rawBook struct {
	sheets   []rawSheet
	strings  []string // <si> contents, raw XML
	styles   string   // the whole styles.xml; empty for none
	date1904 bool
}

type rawSheet struct {
	name, state, data string // data: the XML inside <worksheet>
}

func (rb rawBook) bytes(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	const relNS = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="`+relNS+`/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	var wbx, rels strings.Builder
	wbx.WriteString(`<?xml version="1.0" encoding="UTF-8"?><workbook ` + ns + `>`)
	if rb.date1904 {
		wbx.WriteString(`<workbookPr date1904="1"/>`)
	}
	wbx.WriteString(`<sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, s := range rb.sheets {
		state := ""
		if s.state != "" {
			state = ` state="` + s.state + `"`
		}
		fmt.Fprintf(&wbx, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, s.name, i+1, state, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, relNS, i+1)
		add(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), `<?xml version="1.0" encoding="UTF-8"?><worksheet `+ns+`>`+s.data+`</worksheet>`)
	}
	wbx.WriteString(`</sheets></workbook>`)
	if rb.strings != nil {
		fmt.Fprintf(&rels, `<Relationship Id="rIdS" Type="%s/sharedStrings" Target="/xl/sharedStrings.xml"/>`, relNS)
		var sst strings.Builder
		fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(rb.strings), len(rb.strings))
		for _, s := range rb.strings {
			sst.WriteString("<si>" + s + "</si>")
		}
		sst.WriteString("</sst>")
		add("xl/sharedStrings.xml", sst.String())
	}
	if rb.styles != "" {
		fmt.Fprintf(&rels, `<Relationship Id="rIdT" Type="%s/styles" Target="styles.xml"/>`, relNS)
		add("xl/styles.xml", rb.styles)
	}
	rels.WriteString(`</Relationships>`)
	add("xl/workbook.xml", wbx.String())
	add("xl/_rels/workbook.xml.rels", rels.String())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (rb rawBook) save(t testing.TB) string {
	t.Helper()
	return writeTemp(t, "raw.xlsx", rb.bytes(t))
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// stylesXML builds a styles part whose cellXfs use the given numFmtIds, with
// custom formats from 164 on.
func stylesXML(custom []string, xfNumFmts ...int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if len(custom) > 0 {
		fmt.Fprintf(&b, `<numFmts count="%d">`, len(custom))
		for i, c := range custom {
			fmt.Fprintf(&b, `<numFmt numFmtId="%d" formatCode="%s"/>`, 164+i, c)
		}
		b.WriteString(`</numFmts>`)
	}
	b.WriteString(`<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs>`)
	for _, id := range xfNumFmts {
		fmt.Fprintf(&b, `<xf numFmtId="%d" applyNumberFormat="1"/>`, id)
	}
	b.WriteString(`</cellXfs></styleSheet>`)
	return b.String()
}

func TestXLSXRead(t *testing.T) {
	tests := []struct {
		name string
		path func(t *testing.T) string
		want string
	}{
		{
			name: "title row, merged header and vertically merged values",
			path: func(t *testing.T) string {
				return excelizeBook(t, func(f *excelize.File) error {
					f.SetSheetName("Sheet1", "华东")
					f.SetCellValue("华东", "A1", "2024年客户清单")
					f.MergeCell("华东", "A1", "D1")
					f.SetSheetRow("华东", "A3", &[]any{"省", "联系方式", nil, "备注"})
					f.MergeCell("华东", "B3", "C3")
					f.SetSheetRow("华东", "A4", &[]any{"浙江", "张三", 13800138000})
					f.SetSheetRow("华东", "B5", &[]any{"李四", 13900139000})
					f.SetSheetRow("华东", "B6", &[]any{"王五", 13700137000})
					return f.MergeCell("华东", "A4", "A6")
				})
			},
			want: `sheet "华东"
1: 2024年客户清单 | 2024年客户清单+m | 2024年客户清单+m | 2024年客户清单+m
2:
3: 省 | 联系方式 | 联系方式+m | 备注
4: 浙江 | 张三 | 13800138000#n
5: 浙江+m | 李四 | 13900139000#n
6: 浙江+m | 王五 | 13700137000#n
`,
		},
		{
			name: "visible sheets in order, hidden and chart sheets skipped",
			path: func(t *testing.T) string {
				return excelizeBook(t, func(f *excelize.File) error {
					f.SetCellValue("Sheet1", "A1", "一")
					f.NewSheet("隐藏")
					f.SetCellValue("隐藏", "A1", "秘密")
					f.NewSheet("二")
					f.SetCellValue("二", "B2", "二")
					if err := f.SetSheetVisible("隐藏", false); err != nil {
						return err
					}
					f.SetSheetRow("Sheet1", "A2", &[]any{1, 2})
					return f.AddChartSheet("图表", &excelize.Chart{
						Type:   excelize.Col,
						Series: []excelize.ChartSeries{{Name: "Sheet1!$A$1", Categories: "Sheet1!$A$2:$B$2", Values: "Sheet1!$A$2:$B$2"}},
					})
				})
			},
			want: `sheet "Sheet1"
1: 一
2: 1#n | 2#n
sheet "二"
1:
2:  | 二
skipped "隐藏": hidden sheet
skipped "图表": chart sheet
`,
		},
		{
			name: "very hidden sheet",
			path: rawBook{sheets: []rawSheet{
				{name: "客户", data: `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c></row></sheetData>`},
				{name: "配置", state: "veryHidden", data: `<sheetData/>`},
			}}.savePath,
			want: `sheet "客户"
1: 甲
skipped "配置": very hidden sheet
`,
		},
		{
			name: "phone numbers under any number format",
			path: func(t *testing.T) string {
				return excelizeBook(t, func(f *excelize.File) error {
					sci, _ := f.NewStyle(&excelize.Style{NumFmt: 11})  // 0.00E+00
					zero, _ := f.NewStyle(&excelize.Style{NumFmt: 1})  // 0
					two, _ := f.NewStyle(&excelize.Style{NumFmt: 2})   // 0.00
					text, _ := f.NewStyle(&excelize.Style{NumFmt: 49}) // @
					fmtCode := "000-0000-0000"
					custom, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtCode})
					for i, st := range []int{0, sci, zero, two, text, custom} {
						cell := fmt.Sprintf("A%d", i+1)
						f.SetCellValue("Sheet1", cell, 13800138000+i)
						if st != 0 {
							f.SetCellStyle("Sheet1", cell, cell, st)
						}
					}
					f.SetCellValue("Sheet1", "B1", int64(110101199001011234))
					f.SetCellValue("Sheet1", "B2", 1234.5)
					f.SetCellValue("Sheet1", "B3", -0.25)
					return nil
				})
			},
			want: `sheet "Sheet1"
1: 13800138000#n | 110101199001011234#n!lossy
2: 13800138001#n | 1234.5#n
3: 13800138002#n | -0.25#n
4: 13800138003#n
5: 13800138004#n
6: 13800138005#n
`,
		},
		{
			name: "numbers as Excel writes them",
			path: rawBook{sheets: []rawSheet{{name: "S", data: `<sheetData>
<row r="1"><c r="A1"><v>1.3800138E10</v></c><c r="B1"><v>1.23456789012345E+17</v></c><c r="C1"><v>0.30000000000000004</v></c></row>
<row r="2"><c r="A2"><v>13800138000</v></c><c r="B2"><v>-0</v></c><c r="C2"><v>1E-3</v></c><c r="D2"><v>12.50</v></c></row>
<row r="3"><c r="A3"><v>1234567890123456</v></c><c r="B3"><v>123456789012345</v></c><c r="C3"><v>n/a</v></c></row>
</sheetData>`}}}.savePath,
			want: `sheet "S"
1: 13800138000#n | 123456789012345000#n!lossy | 0.3#n
2: 13800138000#n | 0#n | 0.001#n | 12.5#n
3: 1234567890123456#n!lossy | 123456789012345#n | n/a
`,
		},
		{
			name: "dates under built-in and custom formats",
			path: rawBook{
				styles: stylesXML([]string{`yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;`, `yyyy/m/d`, `[$-804]yyyy/m/d\ h:mm`, `0.00`, `#,##0&quot;元&quot;`, `General`, `[h]:mm:ss`},
					0, 14, 22, 164, 165, 166, 167, 168, 169, 31, 57, 49),
				sheets: []rawSheet{{name: "日期", data: `<sheetData>
<row r="1"><c r="A1" s="1"><v>45292</v></c><c r="B1" s="2"><v>45292.5</v></c><c r="C1" s="3"><v>45292</v></c><c r="D1" s="4"><v>45293</v></c></row>
<row r="2"><c r="A2" s="5"><v>45292.75</v></c><c r="B2" s="6"><v>45292</v></c><c r="C2" s="7"><v>45292</v></c><c r="D2" s="8"><v>45292</v></c></row>
<row r="3"><c r="A3" s="9"><v>45292</v></c><c r="B3" s="10"><v>45292</v></c><c r="C3" s="11"><v>45292</v></c><c r="D3" s="0"><v>45292</v></c></row>
<row r="4"><c r="A4" s="1"><v>59</v></c><c r="B4" s="1"><v>60</v></c><c r="C4" s="1"><v>61</v></c><c r="D4" s="1"><v>1</v></c><c r="E4" s="1"><v>-1</v></c><c r="F4" s="99"><v>7</v></c></row>
</sheetData>`}},
			}.savePath,
			want: `sheet "日期"
1: 2024-01-01#d | 2024-01-01T12:00:00#d | 2024-01-01#d | 2024-01-02#d
2: 2024-01-01T18:00:00#d | 45292#n | 45292#n | 45292#n
3: 2024-01-01#d | 2024-01-01#d | 45292#n | 45292#n
4: 1900-02-28#d | 1900-02-29#d | 1900-03-01#d | 1900-01-01#d | -1#n | 7#n
`,
		},
		{
			name: "1904 date system",
			path: rawBook{
				date1904: true,
				styles:   stylesXML(nil, 0, 14),
				sheets:   []rawSheet{{name: "Mac", data: `<sheetData><row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>43830</v></c><c r="C1"><v>43830</v></c></row></sheetData>`}},
			}.savePath,
			want: `sheet "Mac"
1: 1904-01-01#d | 2024-01-01#d | 43830#n
`,
		},
		{
			name: "formula cached values, booleans, errors and ISO dates",
			path: rawBook{sheets: []rawSheet{{name: "F", data: `<sheetData>
<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"张"&amp;"三"</f><v>张三</v></c><c r="C1" t="b"><f>TRUE()</f><v>1</v></c><c r="D1" t="e"><f>NA()</f><v>#N/A</v></c><c r="E1"><f>A1*0</f></c></row>
<row r="2"><c r="A2" t="b"><v>0</v></c><c r="B2" t="e"><v>#REF!</v></c><c r="C2" t="d"><v>2024-03-05T00:00:00</v></c><c r="D2" t="d"><v>2024-03-05T08:30:00Z</v></c></row>
</sheetData>`}}}.savePath,
			want: `sheet "F"
1: 2#n | 张三 | TRUE#b | #N/A#e
2: FALSE#b | #REF!#e | 2024-03-05#d | 2024-03-05T08:30:00#d
`,
		},
		{
			name: "inline and rich-text strings with escapes",
			path: rawBook{
				strings: []string{
					`<t>普通</t>`,
					`<r><rPr><b/></rPr><t>杭州</t></r><r><t xml:space="preserve"> 西湖区</t></r>`,
					`<t>第一行_x000D_
第二行</t>`,
					`<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh>`,
					`<t>A&amp;B &lt;有限公司&gt; &#x4E2D;&#25991;</t>`,
					`<t><![CDATA[<原样>]]></t>`,
				},
				sheets: []rawSheet{{name: "文本", data: `<sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>
<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" t="inlineStr"><is><t>内联</t></is></c><c r="D2" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c></row>
</sheetData>`}},
			}.savePath,
			want: "sheet \"文本\"\n1: 普通 | 杭州 西湖区 | 第一行\r\n第二行 | 東京\n2: A&B <有限公司> 中文 | <原样> | 内联 | 富文本\n",
		},
		{
			name: "rich text shared strings written by excelize",
			path: func(t *testing.T) string {
				return excelizeBook(t, func(f *excelize.File) error {
					return f.SetCellRichText("Sheet1", "A1", []excelize.RichTextRun{
						{Text: "北京", Font: &excelize.Font{Bold: true}},
						{Text: "朝阳区"},
					})
				})
			},
			want: `sheet "Sheet1"
1: 北京朝阳区
`,
		},
		{
			name: "blank rows keep their numbers, trailing empty rows and columns dropped",
			path: rawBook{
				strings: []string{`<t>标题</t>`, `<t></t>`},
				sheets: []rawSheet{{name: "S", data: `<dimension ref="A1:H20"/><sheetData>
<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" s="0"/><c r="C2" t="s"><v>1</v></c></row>
<row r="3" spans="1:8"/>
<row r="5"><c r="B5"><v>5</v></c><c r="H5" s="0"/></row>
<row r="6"><c r="A6" t="inlineStr"><is><t></t></is></c></row>
<row r="20"><c r="C20" s="0"/></row>
</sheetData><mergeCells count="1"><mergeCell ref="F1:G30"/></mergeCells>`}},
			}.savePath,
			want: `sheet "S"
1:
2: 标题
3-4:
5:  | 5#n
`,
		},
		{
			name: "rows and cells without references, prefixed elements",
			path: rawBook{sheets: []rawSheet{{name: "S", data: `<x:sheetData xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c><x:v>1</x:v></x:c></x:row>
<!-- a comment <row> -->
<x:row><x:c/><x:c><x:v>2</x:v></x:c></x:row>
</x:sheetData><x:mergeCells><x:mergeCell ref="A1:A2"/></x:mergeCells>`}}}.savePath,
			want: `sheet "S"
1: a | 1#n
2: a+m | 2#n
`,
		},
		{
			name: "empty sheet",
			path: rawBook{sheets: []rawSheet{{name: "空", data: `<sheetData/>`}, {name: "无", data: `<sheetPr/>`}}}.savePath,
			want: `sheet "空"
sheet "无"
`,
		},
		{
			// A shared string out of range loses its cell, not the rest of
			// the sheet.
			name: "shared string out of range is one cell",
			path: rawBook{sheets: []rawSheet{{name: "坏", data: `<sheetData>
<row r="1"><c r="A1"><v>1</v></c></row>
<row r="2"><c r="A2"><v>2</v></c></row>
<row r="3"><c r="A3" t="s"><v>7</v></c><c r="B3"><v>3</v></c></row>
<row r="4"><c r="A4"><v>4</v></c></row>
</sheetData>`}}}.savePath,
			want: `sheet "坏"
1: 1#n
2: 2#n
3:  | 3#n !cell.unreadable@A
4: 4#n
`,
		},
		{
			name: "error mid-sheet is positioned",
			path: rawBook{sheets: []rawSheet{{name: "坏", data: `<dimension ref="A1:B9"/><sheetData>
<row r="1"><c r="A1"><v>1</v></c></row>
<row r="2"><c r="A2"><v>2</v></c></row>
<row r="5"><c r="A5"><v>5</v></c></row>
<row r="3"><c r="A3"><v>3</v></c></row>
</sheetData>`}}}.savePath,
			want: `sheet "坏"
1: 1#n
2: 2#n
3-4:
5: 5#n
error: raw.xlsx, sheet "坏", row 6: the file is damaged or not what its name says: row 3 comes after row 5
`,
		},
		{
			name: "truncated sheet XML",
			path: rawBook{sheets: []rawSheet{{name: "截断", data: `<sheetData>
<row r="1"><c r="A1"><v>1</v></c></row>
<row r="2"><c r="A2"><v>2</v>`}}}.savePath,
			want: `sheet "截断"
1: 1#n
error: raw.xlsx, sheet "截断", row 2: the file is damaged or not what its name says: the XML ends inside a <row>
`,
		},
		{
			name: "rows out of order",
			path: rawBook{sheets: []rawSheet{{name: "S", data: `<sheetData><row r="3"><c><v>3</v></c></row><row r="2"><c><v>2</v></c></row></sheetData>`}}}.savePath,
			want: `sheet "S"
1-2:
3: 3#n
error: raw.xlsx, sheet "S", row 4: the file is damaged or not what its name says: row 2 comes after row 3
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.path(t)
			f, err := Open(p)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer f.Close()
			got := strings.ReplaceAll(dumpFile(t, f), p, filepath.Base(p))
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// savePath lets a rawBook literal serve as a test case's path function.
func (rb rawBook) savePath(t *testing.T) string { return rb.save(t) }

func TestXLSXRowsStopEarly(t *testing.T) {
	p := excelizeBook(t, func(f *excelize.File) error {
		for i := 1; i <= 100; i++ {
			f.SetCellValue("Sheet1", fmt.Sprintf("A%d", i), i)
		}
		return nil
	})
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for pass := range 2 {
		n := 0
		for row, err := range f.Sheets[0].Rows {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if row.Num == 10 {
				break
			}
		}
		if n != 10 {
			t.Errorf("pass %d: got %d rows before break, want 10", pass, n)
		}
	}
}

func TestXLSXBadFiles(t *testing.T) {
	valid := rawBook{sheets: []rawSheet{{name: "S", data: `<sheetData><row r="1"><c><v>1</v></c></row></sheetData>`}}}.bytes(t)
	tests := []struct {
		name     string
		path     func(t *testing.T) string
		limits   *xlsxLimits
		want     error
		wantHint string
	}{
		{
			name: "empty file",
			path: func(t *testing.T) string { return writeTemp(t, "empty.xlsx", nil) },
			want: ErrEmpty,
		},
		{
			name: "password-protected",
			path: func(t *testing.T) string {
				f := excelize.NewFile()
				defer f.Close()
				f.SetCellValue("Sheet1", "A1", "机密")
				p := filepath.Join(t.TempDir(), "locked.xlsx")
				if err := f.SaveAs(p, excelize.Options{Password: "x"}); err != nil {
					t.Fatal(err)
				}
				return p
			},
			want:     ErrEncrypted,
			wantHint: "remove the password in Excel (File > Info > Protect Workbook)",
		},
		{
			name:     "legacy xls renamed",
			path:     func(t *testing.T) string { return copyTestdata(t, "legacy.xls", "renamed.xlsx") },
			want:     ErrUnsupported,
			wantHint: "save as .xlsx",
		},
		{
			name: "not a zip",
			path: func(t *testing.T) string {
				return writeTemp(t, "text.xlsx", []byte("客户名称,手机\n张三,138\n"))
			},
			want: ErrCorrupt,
		},
		{
			name: "truncated zip",
			path: func(t *testing.T) string { return writeTemp(t, "cut.xlsx", valid[:len(valid)/2]) },
			want: ErrCorrupt,
		},
		{
			name: "workbook part missing",
			path: func(t *testing.T) string {
				var buf bytes.Buffer
				zw := zip.NewWriter(&buf)
				w, _ := zw.Create("docProps/app.xml")
				w.Write([]byte("<Properties/>"))
				zw.Close()
				return writeTemp(t, "noworkbook.xlsx", buf.Bytes())
			},
			want: ErrCorrupt,
		},
		{
			name: "sheet part missing",
			path: func(t *testing.T) string {
				zr, err := zip.NewReader(bytes.NewReader(valid), int64(len(valid)))
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				zw := zip.NewWriter(&buf)
				for _, zf := range zr.File {
					if strings.Contains(zf.Name, "worksheets/") {
						continue
					}
					if err := zw.Copy(zf); err != nil {
						t.Fatal(err)
					}
				}
				zw.Close()
				return writeTemp(t, "nosheet.xlsx", buf.Bytes())
			},
			want: ErrCorrupt,
		},
		{
			name:   "part over the size limit",
			path:   func(t *testing.T) string { return writeTemp(t, "big.xlsx", valid) },
			limits: &xlsxLimits{part: 100, total: 1 << 30, ratio: 1000, ratioFloor: 1 << 30, element: 1 << 20, cell: MaxCell},
			want:   ErrTooLarge,
		},
		{
			name:   "total over the size limit",
			path:   func(t *testing.T) string { return writeTemp(t, "big.xlsx", valid) },
			limits: &xlsxLimits{part: 1 << 30, total: 500, ratio: 1000, ratioFloor: 1 << 30, element: 1 << 20, cell: MaxCell},
			want:   ErrTooLarge,
		},
		{
			name: "compression ratio of a zip bomb",
			path: func(t *testing.T) string {
				var buf bytes.Buffer
				zw := zip.NewWriter(&buf)
				w, _ := zw.Create("xl/worksheets/sheet1.xml")
				w.Write(bytes.Repeat([]byte{' '}, 4<<20))
				zw.Close()
				return writeTemp(t, "bomb.xlsx", buf.Bytes())
			},
			limits: &xlsxLimits{part: 1 << 30, total: 1 << 30, ratio: 100, ratioFloor: 1 << 20, element: 1 << 20, cell: MaxCell},
			want:   ErrTooLarge,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.path(t)
			lim := defaultXLSXLimits
			if tt.limits != nil {
				lim = *tt.limits
			}
			f, err := openXLSXWith(p, lim)
			if err == nil {
				f.Close()
				t.Fatalf("got no error, want %v", tt.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("got %T %v, want *FileError", err, err)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want it to wrap %v", err, tt.want)
			}
			if fe.Path != p {
				t.Errorf("got path %q, want %q", fe.Path, p)
			}
			if fe.Hint == "" || !strings.Contains(fe.Hint, tt.wantHint) {
				t.Errorf("got hint %q, want one containing %q", fe.Hint, tt.wantHint)
			}
		})
	}
}

func TestXLSXElementLimit(t *testing.T) {
	p := rawBook{sheets: []rawSheet{{name: "S", data: `<sheetData><row r="1"><c t="inlineStr"><is><t>` + strings.Repeat("长", 100<<10) + `</t></is></c></row></sheetData>`}}}.save(t)
	lim := defaultXLSXLimits
	lim.element = 64 << 10
	f, err := openXLSXWith(p, lim)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, err := range f.Sheets[0].Rows {
		var pe *PositionError
		if !errors.As(err, &pe) || !errors.Is(err, ErrTooLarge) || pe.Sheet != "S" {
			t.Fatalf("got %v, want a positioned ErrTooLarge", err)
		}
		return
	}
	t.Fatal("got no rows and no error")
}

// TestXLSXCellLimit checks that a cell longer than MaxCell stops the sheet
// at its row and column, the rows above it read, and that a shared string
// that long refuses the file.
func TestXLSXCellLimit(t *testing.T) {
	long := strings.Repeat("长", MaxCell/3+1)
	p := rawBook{sheets: []rawSheet{{name: "S", data: `<sheetData><row r="1"><c t="inlineStr"><is><t>名称</t></is></c></row>` +
		`<row r="2"><c r="B2" t="inlineStr"><is><t>` + long + `</t></is></c></row></sheetData>`}}}.save(t)
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := 0
	for _, err := range f.Sheets[0].Rows {
		if err == nil {
			rows++
			continue
		}
		var pe *PositionError
		if !errors.As(err, &pe) || !errors.Is(err, ErrCellTooLong) || pe.Row != 2 || pe.Col != 1 || rows != 1 {
			t.Fatalf("after %d rows: %v; want row 1, then a *PositionError at row 2, column B wrapping ErrCellTooLong", rows, err)
		}
		break
	}
	shared := rawBook{sheets: []rawSheet{{name: "S", data: `<sheetData><row r="1"><c t="s"><v>0</v></c></row></sheetData>`}},
		strings: []string{"<t>" + long + "</t>"}}.save(t)
	if _, err := Open(shared); !errors.Is(err, ErrCellTooLong) {
		t.Errorf("Open(a book with a long shared string) = %v, want ErrCellTooLong", err)
	}
}

func copyTestdata(t *testing.T, name, as string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "xlsx", name))
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, as, data)
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		raw, want string
		lossy, ok bool
	}{
		{"13800138000", "13800138000", false, true},
		{"1.3800138E10", "13800138000", false, true},
		{"1.3800138e+10", "13800138000", false, true},
		{" 42 ", "42", false, true},
		{"-17", "-17", false, true},
		{"+5", "5", false, true},
		{"0", "0", false, true},
		{"-0.0", "0", false, true},
		{"0.000", "0", false, true},
		{"100", "100", false, true},
		{"1E2", "100", false, true},
		{"12.50", "12.5", false, true},
		{"0.1", "0.1", false, true},
		{"0.30000000000000004", "0.3", false, true},
		{"1234.5600000000001", "1234.56", false, true},
		{"-1.5E-3", "-0.0015", false, true},
		{".5", "0.5", false, true},
		{"123456789012345", "123456789012345", false, true},
		{"1234567890123456", "1234567890123456", true, true},
		{"110101199001011234", "110101199001011234", true, true},
		{"1.10101199001011E+17", "110101199001011000", true, true},
		{"1E400", "", false, false},
		{"0E99999", "0", false, true},
		{"", "", false, false},
		{"-", "", false, false},
		{"1.2.3", "", false, false},
		{"12abc", "", false, false},
		{"1e", "", false, false},
		{"#N/A", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, lossy, ok := formatNumber([]byte(tt.raw))
			if got != tt.want || lossy != tt.lossy || ok != tt.ok {
				t.Errorf("formatNumber(%q) = %q, %v, %v; want %q, %v, %v", tt.raw, got, lossy, ok, tt.want, tt.lossy, tt.ok)
			}
		})
	}
}

func TestIsDateFormat(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{`yyyy"年"m"月"d"日"`, true},
		{`yyyy/m/d`, true},
		{`[$-804]yyyy/m/d`, true},
		{`[$-F800]dddd, mmmm dd, yyyy`, true},
		{`h:mm AM/PM`, true},
		{`mm:ss`, true},
		{`yyyy-mm-dd;@`, true},
		{`0`, false},
		{`0.00`, false},
		{`@`, false},
		{`General`, false},
		{`0.00E+00`, false},
		{`#,##0"元"`, false},
		{`"Day "0`, false},
		{`#,##0.00_);[Red](#,##0.00)`, false},
		{`_-* #,##0.00_-;\-* #,##0.00_-;_-* "-"??_-;_-@_-`, false},
		{`000-0000-0000`, false},
		{`\d0`, false},
		{`[DBNum1]General`, false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := isDateFormat(tt.code); got != tt.want {
				t.Errorf("isDateFormat(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestSerialDate(t *testing.T) {
	tests := []struct {
		name     string
		serial   float64
		date1904 bool
		want     string
		ok       bool
	}{
		{"first day", 1, false, "1900-01-01", true},
		{"before the leap bug", 59, false, "1900-02-28", true},
		{"the Lotus leap day", 60, false, "1900-02-29", true},
		{"after the leap bug", 61, false, "1900-03-01", true},
		{"modern date", 45292, false, "2024-01-01", true},
		{"noon", 45292.5, false, "2024-01-01T12:00:00", true},
		{"rounds to the second", 45292.999999999, false, "2024-01-02", true},
		{"last day", 2958465, false, "9999-12-31", true},
		{"past the last day", 2958466, false, "", false},
		{"negative", -1, false, "", false},
		{"1904 epoch", 0, true, "1904-01-01", true},
		{"1904 modern", 43830, true, "2024-01-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := serialDate(tt.serial, tt.date1904)
			if got != tt.want || ok != tt.ok {
				t.Errorf("serialDate(%v, %v) = %q, %v; want %q, %v", tt.serial, tt.date1904, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestXLSXDevSheets reads the development corpus: every workbook must open
// and stream without error, with a plausible number of rows.
func TestXLSXDevSheets(t *testing.T) {
	dir := "/work/shared/bench/dev/sheets"
	paths, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if len(paths) == 0 {
		t.Skip("development corpus not present")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			f, err := Open(p)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer f.Close()
			if len(f.Sheets) == 0 {
				t.Fatal("no readable sheets")
			}
			ref, err := excelize.OpenFile(p)
			if err != nil {
				t.Fatalf("excelize: %v", err)
			}
			defer ref.Close()
			total := 0
			for _, s := range f.Sheets {
				rows, cells, last := 0, 0, 0
				for row, err := range s.Rows {
					if err != nil {
						t.Fatalf("sheet %q: %v", s.Name, err)
					}
					if row.Num != last+1 {
						t.Fatalf("sheet %q: row %d follows row %d", s.Name, row.Num, last)
					}
					last = row.Num
					rows++
					cells += len(row.Cells)
				}
				t.Logf("sheet %q: %d rows, %d cells; skipped %v", s.Name, rows, cells, f.Skipped)
				// excelize counts trailing formatted-but-empty rows; ours stop
				// at the last row with a value.
				want, err := ref.GetRows(s.Name)
				if err != nil {
					t.Fatalf("excelize sheet %q: %v", s.Name, err)
				}
				for len(want) > 0 && strings.TrimSpace(strings.Join(want[len(want)-1], "")) == "" {
					want = want[:len(want)-1]
				}
				if rows != len(want) {
					t.Errorf("sheet %q: got %d rows, excelize reads %d", s.Name, rows, len(want))
				}
				total += rows
			}
			if total < 2 {
				t.Errorf("got %d rows in all: implausibly few", total)
			}
		})
	}
}

// FuzzXLSX opens arbitrary bytes as a workbook and reads every row: it must
// never panic, and every failure must be a *FileError or a *PositionError.
func FuzzXLSX(f *testing.F) {
	f.Add(rawBook{sheets: []rawSheet{{name: "S", data: `<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45292</v></c></row><row r="3"><c r="C3" t="inlineStr"><is><t>x</t></is></c></row></sheetData><mergeCells><mergeCell ref="A1:A3"/></mergeCells>`}},
		strings: []string{`<t>甲</t>`}, styles: stylesXML(nil, 0, 14)}.bytes(f))
	f.Add(rawBook{sheets: []rawSheet{{name: "S", data: `<sheetData><row><c><v>1e5</v></c><c t="b"><v>1</v></c></row></sheetData>`}}}.bytes(f))
	f.Add([]byte("PK\x03\x04"))
	f.Add(append(append([]byte{}, magicCFB...), make([]byte, 512)...))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "fuzz.xlsx")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		lim := defaultXLSXLimits
		lim.part, lim.total, lim.element = 16<<20, 32<<20, 4<<20
		file, err := openXLSXWith(p, lim)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("got %T, want *FileError: %v", err, err)
			}
			return
		}
		defer file.Close()
		for _, s := range file.Sheets {
			for row, err := range s.Rows {
				if err != nil {
					var pe *PositionError
					if !errors.As(err, &pe) {
						t.Fatalf("got %T, want *PositionError: %v", err, err)
					}
					break
				}
				if row.Num < 1 || row.Num > maxRows {
					t.Fatalf("row number %d out of range", row.Num)
				}
			}
		}
	})
}

// FuzzXLSXSheet wraps arbitrary XML in a valid package as a sheet's content
// (with a shared strings table and date styles), to reach the sheet scanner:
// no panics, errors positioned, row numbers increasing.
func FuzzXLSXSheet(f *testing.F) {
	for _, s := range []string{
		`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45292.5</v></c></row><row r="4"><c r="C4" t="inlineStr"><is><r><t>富</t></r><rPh><t>x</t></rPh></is></c></row></sheetData><mergeCells><mergeCell ref="A1:B5"/></mergeCells>`,
		`<x:sheetData><x:row><x:c><x:f>1</x:f><x:v>1E3</x:v></x:c><!-- c --><x:c t="e"><x:v>#N/A</x:v></x:c></x:row></x:sheetData>`,
		`<sheetData><row r="2" spans="1:3"/><row><c r="XFD2" t="b"><v>1</v></c><c t="str"><v>a&amp;b&#x41;_x000D_</v></c></row></sheetData>`,
		`<sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		p := rawBook{strings: []string{`<t>甲</t>`, `<r><t>乙</t></r>`}, styles: stylesXML([]string{`yyyy/m/d`}, 0, 14, 164),
			sheets: []rawSheet{{name: "S", data: data}}}.save(t)
		file, err := Open(p)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer file.Close()
		last := 0
		for row, err := range file.Sheets[0].Rows {
			if err != nil {
				var pe *PositionError
				if !errors.As(err, &pe) || pe.Sheet != "S" {
					t.Fatalf("got %T, want a *PositionError on sheet S: %v", err, err)
				}
				break
			}
			if row.Num <= last || row.Num > maxRows {
				t.Fatalf("row %d after row %d", row.Num, last)
			}
			last = row.Num
			if len(row.Cells) > 0 && row.Cells[len(row.Cells)-1].Text == "" {
				t.Fatalf("row %d ends in an empty cell", row.Num)
			}
		}
	})
}

// FuzzFormatNumber checks the number formatting: no panics, the text reads
// back as the same number, and formatting the text again changes nothing.
func FuzzFormatNumber(f *testing.F) {
	for _, s := range []string{"13800138000", "1.3800138E10", "0.30000000000000004", "-0", "1E-300", "123456789012345678", "1e308", ".5", "abc", "45292.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		text, lossy, ok := formatNumber([]byte(raw))
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		got, err2 := strconv.ParseFloat(text, 64)
		if err2 != nil {
			t.Fatalf("formatNumber(%q) = %q, not a number", raw, text)
		}
		if err == nil && want != 0 && (got/want > 1+1e-14 || got/want < 1-1e-14) {
			t.Fatalf("formatNumber(%q) = %q, want the value %v", raw, text, want)
		}
		if strings.ContainsAny(text, "eE+") {
			t.Fatalf("formatNumber(%q) = %q, want plain decimal digits", raw, text)
		}
		again, lossy2, ok2 := formatNumber([]byte(text))
		if !ok2 || again != text || lossy2 != lossy {
			t.Fatalf("formatNumber(%q) = %q, then %q (lossy %v→%v)", raw, text, again, lossy, lossy2)
		}
		if v, err := strconv.ParseFloat(text, 64); err == nil {
			serialDate(v, false)
			serialDate(v, true)
		}
	})
}

const benchRows = 200_000

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

// benchWorkbook writes (once per test binary) a 200,000-row × 6-column
// workbook laid out as Excel saves one: Chinese text in the shared strings
// table, phone numbers and amounts as numeric cells. (excelize's StreamWriter
// would write every string inline, leaving the shared-strings path untested.)
func benchWorkbook(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "crmclean-xlsx-bench")
		if err != nil {
			benchErr = err
			return
		}
		benchPath = filepath.Join(dir, "bench.xlsx")
		benchErr = writeBenchWorkbook(benchPath, benchRows)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

func writeBenchWorkbook(path string, rows int) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	const relNS = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relNS + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + relNS + `"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relNS + `/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + relNS + `/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="` + relNS + `/styles" Target="styles.xml"/></Relationships>`,
		"xl/styles.xml":              stylesXML(nil, 0, 2),
	}
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(body)); err != nil {
			return err
		}
	}
	surnames := []string{"张", "王", "李", "赵", "刘", "陈", "杨", "黄"}
	cities := []string{"杭州市西湖区", "上海市浦东新区", "北京市朝阳区", "广州市天河区", "深圳市南山区"}
	var sst []string
	index := map[string]int{}
	str := func(s string) int {
		i, ok := index[s]
		if !ok {
			i = len(sst)
			index[s] = i
			sst = append(sst, s)
		}
		return i
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	header := []string{"客户名称", "联系人", "手机", "城市", "金额", "备注"}
	bw.WriteString(`<row r="1" spans="1:6">`)
	for c, h := range header {
		fmt.Fprintf(bw, `<c r="%c1" t="s"><v>%d</v></c>`, 'A'+c, str(h))
	}
	bw.WriteString(`</row>`)
	for r := 2; r <= rows+1; r++ {
		city := cities[r%len(cities)]
		fmt.Fprintf(bw, `<row r="%d" spans="1:6"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c><c r="C%d"><v>%d</v></c><c r="D%d" t="s"><v>%d</v></c><c r="E%d" s="1"><v>%s</v></c><c r="F%d" t="s"><v>%d</v></c></row>`,
			r,
			r, str(fmt.Sprintf("%s%s%s贸易有限公司", city[:6], surnames[r%len(surnames)], strconv.Itoa(r%20000))),
			r, str(surnames[r%len(surnames)]+"先生"),
			r, 13800000000+r,
			r, str(city),
			r, strconv.FormatFloat(float64(r%100000)/100, 'f', -1, 64),
			r, str("老客户"))
	}
	bw.WriteString(`</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	w, err = zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	bw = bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(sst), len(sst))
	for _, s := range sst {
		bw.WriteString("<si><t>" + s + "</t></si>")
	}
	bw.WriteString(`</sst>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return out.Close()
}

func BenchmarkXLSX200k(b *testing.B) {
	p := benchWorkbook(b)
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		f, err := Open(p)
		if err != nil {
			b.Fatal(err)
		}
		for _, err := range f.Sheets[0].Rows {
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		f.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkExcelizeRows(b *testing.B) {
	p := benchWorkbook(b)
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		f, err := excelize.OpenFile(p)
		if err != nil {
			b.Fatal(err)
		}
		it, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		for it.Next() {
			if _, err := it.Columns(); err != nil {
				b.Fatal(err)
			}
			rows++
		}
		it.Close()
		f.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func TestPartDecoderLegacyEncoding(t *testing.T) {
	d := newPartDecoder(strings.NewReader("<?xml version=\"1.0\" encoding=\"GBK\"?><sheet name=\"\xd6\xd0\xce\xc4\"/>"))
	for {
		tok, err := d.RawToken()
		if err != nil {
			t.Fatalf("RawToken: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if got := se.Attr[0].Value; got != "中文" {
				t.Errorf("got %q, want %q", got, "中文")
			}
			return
		}
	}
}
