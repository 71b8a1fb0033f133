package sink

import (
	"cmp"
	"context"
	"crypto/sha256"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/report"
)

// ReviewColumns are the columns of review.csv, one row per pair of
// customers. What a person needs to decide comes first, so that decision
// is on the first screen in Excel: the two customers, then the evidence
// side by side. `crmclean review apply` finds its columns (pair_id,
// fingerprint_a, fingerprint_b, decision, pattern) by header, so files of
// earlier releases, whose decision column was last, are read too.
var ReviewColumns = []string{"pair_id", "score",
	"customer_id_a", "name_a", "customer_id_b", "name_b", "decision",
	"pattern_label", "agreed", "disagreed", "missing",
	"contact_a", "contact_b", "mobile_a", "mobile_b", "phones_a", "phones_b", "email_a", "email_b",
	"address_a", "address_b", "source_a", "source_b", "row_pairs", "evidence", "pattern",
	"fingerprint_a", "fingerprint_b"}

// reviewPhoneColumns are the review columns holding phones: spreadsheet
// safety leaves their E.164 values as they are.
var reviewPhoneColumns = []string{"mobile_a", "phones_a", "mobile_b", "phones_b"}

// ReviewOptions are how review files are written.
type ReviewOptions struct {
	Lang   string // language of what a person reads in the cells: "zh" (default) or "en"
	NoMask bool   // show the patterns' examples unmasked
}

// PairID derives a review pair's id from the two rows' fingerprints, in
// either order, so decisions survive re-runs and rule changes.
func PairID(a, b string) string { return string(appendPairID(nil, a, b)) }

// appendPairID appends the PairID of a and b to dst.
func appendPairID(dst []byte, a, b string) []byte {
	if b < a {
		a, b = b, a
	}
	h := sha256.New()
	h.Write([]byte(a)) // no copy: the compiler sees the conversion does not escape
	h.Write([]byte{0})
	h.Write([]byte(b))
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	const digits = "0123456789ABCDEF"
	dst = append(dst, 'P')
	for _, c := range sum[:6] {
		dst = append(dst, digits[c>>4], digits[c&15])
	}
	return dst
}

// ReviewRow renders a doubtful pair of customers (match.ByCustomer) as a
// review.csv row.
func ReviewRow(recs []*record.Record, p match.Pair, opt ReviewOptions) []string {
	a, b := recs[p.A], recs[p.B]
	sa, sb := reviewSide(a), reviewSide(b)
	agreed, disagreed, missing := evidenceCells(p.Evidence, opt.Lang)
	rows := p.Rows
	if rows == 0 {
		rows = 1
	}
	return []string{PairID(a.Fingerprint, b.Fingerprint), strconv.FormatFloat(p.Score, 'f', 1, 64),
		a.CustomerID, sa.name, b.CustomerID, sb.name, "",
		match.Label(p.Pattern, opt.Lang), agreed, disagreed, missing,
		sa.contact, sb.contact, sa.mobile, sb.mobile, sa.phones, sb.phones, sa.email, sb.email,
		sa.address, sb.address, whereIn(opt.Lang, a.Prov), whereIn(opt.Lang, b.Prov), strconv.Itoa(rows), localEvidence(p, opt.Lang), p.Pattern,
		a.Fingerprint, b.Fingerprint}
}

// whereIn says where a row is, in lang: "客服中心.csv，第 52 行",
// "客服中心.csv, row 52".
func whereIn(lang string, p record.Provenance) string {
	if p.Sheet == "" {
		return msg.Text(lang, "where.file", p.File, strconv.Itoa(p.Row))
	}
	return msg.Text(lang, "where.sheet", p.File, p.Sheet, strconv.Itoa(p.Row))
}

// reviewSideCells are one row's cells in a review row.
type reviewSideCells struct {
	name, contact, mobile, phones, email, address string
}

func reviewSide(r *record.Record) reviewSideCells {
	n := &r.Norm
	var phones []string
	for _, p := range n.Phones {
		phones = append(phones, p.Key())
	}
	s := reviewSideCells{name: n.Name, contact: n.Contact, phones: strings.Join(phones, "|"),
		address: n.Province + n.City + n.District + n.Address}
	if m := n.Mobiles(); len(m) > 0 {
		s.mobile = m[0]
	}
	if len(n.Emails) > 0 {
		s.email = n.Emails[0]
	}
	return s
}

// evidenceCells sorts a pair's evidence into the fields that agree (also
// near or alike), disagree, or are missing on either side, each with its
// weight when it weighs anything: "名称 +6.9；地址 +7.6".
func evidenceCells(ev []match.Evidence, lang string) (agreed, disagreed, missing string) {
	var ag, dis, mis []string
	for _, e := range ev {
		item := fieldWord(e.Field, lang)
		if e.Outcome == "near" || e.Outcome == "fuzzy" {
			item += alikeWord(e.Outcome, lang)
		}
		if e.Weight <= -0.05 || e.Weight >= 0.05 {
			item += " " + string(appendWeight(nil, e.Weight))
		}
		switch e.Outcome {
		case "agree", "near", "fuzzy":
			ag = append(ag, item)
		case "disagree":
			dis = append(dis, item)
		case "missing":
			mis = append(mis, item)
		}
	}
	sep := msg.Text(lang, "evidence.sep")
	return strings.Join(ag, sep), strings.Join(dis, sep), strings.Join(mis, sep)
}

// fieldWord and outcomeWord are a field's and an outcome's names in lang
// (the message catalogue's evidence.field.* and evidence.outcome.*); a
// name the catalogue lacks comes back as it is.
func fieldWord(field, lang string) string {
	if id := msg.ID("evidence.field." + field); msg.Known(id) {
		return msg.Text(lang, id)
	}
	return field
}

func outcomeWord(outcome, lang string) string {
	if id := msg.ID("evidence.outcome." + outcome); msg.Known(id) {
		return msg.Text(lang, id)
	}
	return outcome
}

// alikeWord is an outcome as evidenceCells adds it to an agreeing field:
// "（相近）", " (near)".
func alikeWord(outcome, lang string) string {
	if lang == "en" {
		return " (" + outcomeWord(outcome, lang) + ")"
	}
	return "（" + outcomeWord(outcome, lang) + "）"
}

// detailsZH translates the fixed phrases of evidence details (see
// match's explainer); the values they quote stay as they are.
var detailsZH = strings.NewReplacer(
	" (the contact of both, with the number they share: no evidence the companies are one)", "（双方的联系人，且共用号码：不能证明是同一企业）",
	" is shared by several customers: no evidence for different names", " 为多个客户共用：不能证明不同名称是同一客户",
	" (same pinyin through a less common reading)", "（多音字读音相同）",
	" (same surname, one is a title)", "（同姓，一方为称呼）",
	" (romanized, same pinyin)", "（拼音拼写，读音相同）",
	" (one starts with the other)", "（一方以另一方开头）",
	" (one character differs)", "（仅一字不同）",
	" (pinyin initials)", "（拼音首字母相同）",
	" (one is a branch)", "（一方为分支机构）",
	" (same pinyin ", "（拼音相同 ",
	" (similar pinyin ", "（拼音相近 ",
	" with a digit missing", " 少一位",
	"same shared mobile ", "相同的共用手机 ",
	"same shared number ", "相同的共用号码 ",
	"same mobile ", "相同手机 ",
	"same number ", "相同号码 ",
	"same free-mail address ", "相同的个人邮箱 ",
	"same company mailbox ", "相同的企业邮箱 ",
	"same company domain ", "相同的企业邮箱域名 ",
	", used by ", "，使用的名称数 ",
	" names", "",
	", detail similarity ", "，详细地址相似度 ",
	" records)", " 条记录）",
	"decided by a person", "人工决定",
	" is ", " 即 ",
	")", "）",
	" (", "（",
)

// localEvidence renders a pair's evidence as "field outcome +w (detail)"
// items in lang.
func localEvidence(p match.Pair, lang string) string {
	if lang == "en" {
		return Evidence(p)
	}
	var b strings.Builder
	for i, e := range p.Evidence {
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(fieldWord(e.Field, lang))
		b.WriteString(outcomeWord(e.Outcome, lang))
		b.WriteString(" ")
		b.Write(appendWeight(nil, e.Weight))
		if d := e.Text("en"); d != "" {
			b.WriteString("（")
			b.WriteString(detailsZH.Replace(d))
			b.WriteString("）")
		}
	}
	return b.String()
}

// WriteReview writes review.csv: the doubtful pairs of customers
// (match.ByCustomer: highest score first) with their evidence and an
// empty decision column (merge / keep, also 合并 / 不合并).
func WriteReview(ctx context.Context, dir string, recs []*record.Record, pairs []match.Pair, opt ReviewOptions) error {
	w, err := CreateCSV(ctx, filepath.Join(dir, "review.csv"), ReviewColumns, reviewPhoneColumns...)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if err := w.Write(ReviewRow(recs, p, opt)); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

// PatternColumns are the columns of the patterns sheet of review.xlsx:
// one row per evidence pattern of the review pairs, largest first. A
// decision there applies to every pair of the pattern whose own decision
// cell is empty (`crmclean review apply`).
var PatternColumns = []string{"pattern_label", "pairs", "decision", "score_min", "score_max", "examples", "pattern"}

// maxPatternExamples is how many pairs the patterns sheet shows per pattern.
const maxPatternExamples = 3

// PatternSummary is one evidence pattern among the review pairs.
type PatternSummary struct {
	Pattern            string
	Pairs              int
	ScoreMin, ScoreMax float64
	Examples           []match.Pair // the first maxPatternExamples pairs, highest score first
}

// SummarizePatterns groups review pairs (highest score first) by pattern:
// most pairs first, then by code.
func SummarizePatterns(pairs []match.Pair) []PatternSummary {
	at := map[string]int{}
	var out []PatternSummary
	for _, p := range pairs {
		i, ok := at[p.Pattern]
		if !ok {
			i = len(out)
			at[p.Pattern] = i
			out = append(out, PatternSummary{Pattern: p.Pattern, ScoreMin: p.Score, ScoreMax: p.Score})
		}
		s := &out[i]
		s.Pairs++
		s.ScoreMin, s.ScoreMax = min(s.ScoreMin, p.Score), max(s.ScoreMax, p.Score)
		if len(s.Examples) < maxPatternExamples {
			s.Examples = append(s.Examples, p)
		}
	}
	slices.SortStableFunc(out, func(a, b PatternSummary) int {
		return cmp.Or(-cmp.Compare(a.Pairs, b.Pairs), strings.Compare(a.Pattern, b.Pattern))
	})
	return out
}

// patternRow renders a pattern for the patterns sheet; person names and
// phones in its examples are masked unless opt.NoMask.
func patternRow(recs []*record.Record, s PatternSummary, opt ReviewOptions) []string {
	var ex []string
	name := func(r *record.Record) string {
		n := r.Norm.Name
		if r.Norm.Kind != record.Company && !opt.NoMask {
			n = report.MaskName(n)
		}
		return n
	}
	for _, p := range s.Examples {
		a, b := recs[p.A], recs[p.B]
		ex = append(ex, name(a)+" ~ "+name(b)+" ("+strconv.FormatFloat(p.Score, 'f', 1, 64)+")")
	}
	sep := msg.Text(opt.Lang, "evidence.sep")
	return []string{match.Label(s.Pattern, opt.Lang), strconv.Itoa(s.Pairs), "",
		strconv.FormatFloat(s.ScoreMin, 'f', 1, 64), strconv.FormatFloat(s.ScoreMax, 'f', 1, 64), strings.Join(ex, sep), s.Pattern}
}
