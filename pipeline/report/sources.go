package report

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/source"
)

func addressRates(a *aggregates) Address {
	x := Address{RowsWithAddress: a.withAddress}
	p, c, d, code := a.rowAddress[0], a.rowAddress[1], a.rowAddress[2], a.rowAddress[3]
	x.Resolved = Rates{share(p, x.RowsWithAddress), share(c, x.RowsWithAddress), share(d, x.RowsWithAddress), share(code, x.RowsWithAddress)}
	x.Before = Rates{share(p, a.data), share(c, a.data), share(d, a.data), share(code, a.data)}
	p, c, d, code = a.customerAddress[0], a.customerAddress[1], a.customerAddress[2], a.customerAddress[3]
	x.After = Rates{share(p, a.customers), share(c, a.customers), share(d, a.customers), share(code, a.customers)}
	return x
}

func phoneMix(a *aggregates) PhoneMix {
	pm := a.phones
	pm.RowsWithMobile = share(a.rowsWithMobile, a.data)
	pm.CustomersWithMobile = share(a.customersWithMobile, a.customers)
	return pm
}

func fileStats(in Input, m masker, scores []FileScore) []FileStat {
	type counts struct{ data, rejected, kept, merged int }
	byFile := map[string]*counts{}
	for _, r := range in.Records {
		c := byFile[r.Prov.File]
		if c == nil {
			c = &counts{}
			byFile[r.Prov.File] = c
		}
		if r.Status != record.Skipped {
			c.data += r.Prov.Rows()
		}
		switch r.Status {
		case record.Rejected:
			c.rejected += r.Prov.Rows()
		case record.Kept:
			c.kept++
		case record.Merged:
			c.merged++
		}
	}
	score := map[string]float64{}
	for _, s := range scores {
		score[s.SourceFile] = s.Score
	}
	out := make([]FileStat, 0, len(in.Files))
	for _, f := range in.Files {
		fs := FileStat{SourceFile: f.Rel, Format: f.Format, Encoding: f.Encoding, Sheets: []SheetStat{}, Score: score[f.Rel]}
		if f.Err != nil {
			fs.Error = m.text(errText(m.lang, f.Err))
		}
		for _, sh := range f.Sheets {
			ss := SheetStat{Name: sh.Name, Rows: sh.Rows, DataRows: sh.DataRows, Noise: sh.Noise, HeaderFound: sh.HeaderFound}
			for _, w := range sh.Warnings {
				ss.Warnings = append(ss.Warnings, m.text(w))
			}
			if sh.Err != nil {
				ss.Error = m.text(errText(m.lang, sh.Err))
			}
			fs.Sheets = append(fs.Sheets, ss)
		}
		for _, sk := range f.Skipped {
			fs.Sheets = append(fs.Sheets, SheetStat{Name: sk.Name, Skipped: msg.Reason(sk.Reason).In(m.lang)})
		}
		if c := byFile[f.Rel]; c != nil {
			fs.DataRows, fs.Rejected, fs.Kept, fs.Merged = c.data, c.rejected, c.kept, c.merged
		}
		out = append(out, fs)
	}
	slices.SortStableFunc(out, func(a, b FileStat) int { return strings.Compare(a.SourceFile, b.SourceFile) })
	return out
}

// fileErrors name the read errors the catalogue words in every language.
var fileErrors = []struct {
	err error
	id  msg.ID
}{
	{source.ErrEncrypted, "file.encrypted"}, {source.ErrCorrupt, "file.corrupt"}, {source.ErrEmpty, "file.empty"},
	{source.ErrUnsupported, "file.unsupported"}, {source.ErrTooLarge, "file.too_large"}, {source.ErrEncoding, "file.encoding"},
}

// errText renders a read error for people: a source.FileError's cause and
// hint without repeating the path, which the report shows beside it. In
// Chinese, a known cause is told with its remedy from the catalogue; the
// English text has the detail.
func errText(lang string, err error) string {
	if lang != "en" {
		for _, fe := range fileErrors {
			if errors.Is(err, fe.err) {
				return msg.Text(lang, fe.id)
			}
		}
	}
	var fe *source.FileError
	if errors.As(err, &fe) && fe.Err != nil {
		s := fe.Err.Error()
		if fe.Hint != "" {
			s += " — " + fe.Hint
		}
		return s
	}
	return err.Error()
}

func unreadable(in Input, m masker) []Unreadable {
	out := []Unreadable{}
	for _, f := range in.Files {
		switch {
		case f.Err != nil && len(f.Sheets) == 0:
			out = append(out, Unreadable{Path: f.Rel, Kind: "file", Reason: m.text(errText(m.lang, f.Err))})
		case f.Err != nil: // broke off after some sheets
			out = append(out, Unreadable{Path: f.Rel, Sheet: f.Sheets[len(f.Sheets)-1].Name, Kind: "sheet", Reason: m.text(errText(m.lang, f.Err))})
		}
		for _, sh := range f.Sheets {
			if sh.Err != nil {
				out = append(out, Unreadable{Path: f.Rel, Sheet: sh.Name, Kind: "sheet", Reason: m.text(errText(m.lang, sh.Err))})
			}
		}
		for _, sk := range f.Skipped {
			out = append(out, Unreadable{Path: f.Rel, Sheet: sk.Name, Kind: "sheet_skipped", Reason: msg.Reason(sk.Reason).In(m.lang)})
		}
	}
	for _, ig := range in.Ignored {
		out = append(out, Unreadable{Path: ig.Path, Kind: "ignored", Reason: msg.Reason(ig.Reason).In(m.lang)})
	}
	slices.SortStableFunc(out, func(a, b Unreadable) int {
		return cmp.Or(cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)), strings.Compare(a.Path, b.Path), strings.Compare(a.Sheet, b.Sheet))
	})
	return out
}

func kindRank(kind string) int {
	return slices.Index([]string{"file", "sheet", "sheet_skipped", "ignored"}, kind)
}
