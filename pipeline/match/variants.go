package match

import "github.com/crmclean/crmclean/pipeline/record"

// NameForm is how one name relates to another, as the matcher judges
// them.
type NameForm int

const (
	// FormDifferent: two different names (马泽洋 / 马泽宇).
	FormDifferent NameForm = iota
	// FormSame: the same name, or a variant of it: a homophone or
	// input-method typo, a romanization (Chen Sijia), traditional script,
	// for companies a one-character typo.
	FormSame
	// FormTitle: a surname with a title (陈先生, 陈总) and a full name of
	// that surname: the same person only when no other person of that
	// surname is in question.
	FormTitle
	// FormRare: alike only through a character's less common reading
	// (郭汐柏 read bo, 郭汐博): a typo or a sibling; the same person only
	// when no number they share is shared by several customers.
	FormRare
)

// CompareNames tells how two names of one kind relate, reading them with
// namer (nil reads each character with its plain readings) the way Match
// does: for contacts of one customer, say, which are one person. A company
// name that only starts the other (华信 / 华信科技) is FormDifferent here.
func CompareNames(namer Namer, a, b string, kind record.Kind) NameForm {
	rd := reader{namer: namer}
	ka, kb := compact(a), compact(b)
	fa, fb := rd.read(ka, a, kind), rd.read(kb, b, kind)
	var lv, how int
	if kind == record.Company {
		lv, how = compareNames(&fa, &fb, true)
	} else {
		lv, how = comparePersons(&fa, &fb)
	}
	switch {
	case !variants(lv, how):
		return FormDifferent
	case how == howTitle:
		return FormTitle
	case how == howHeteronym:
		return FormRare
	}
	return FormSame
}
