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
// To compare a name with several others, read it once with ReadName.
func CompareNames(namer Namer, a, b string, kind record.Kind) NameForm {
	ra, rb := ReadName(namer, a, kind), ReadName(namer, b, kind)
	return CompareReadings(&ra, &rb)
}

// NameReading is a name read once (its pinyin readings, or the syllables
// of a romanized name) for CompareReadings.
type NameReading struct {
	f    nameFeat
	kind record.Kind
}

// ReadName reads a name of kind with namer (nil: each character's plain
// readings) as Match reads it.
func ReadName(namer Namer, s string, kind record.Kind) NameReading {
	rd := reader{}
	if namer != nil {
		// Not the namer's appending form: that cuts readings from a
		// slab sized for a whole run.
		rd.namer = plainNamer{namer}
	}
	k := compact(s)
	return NameReading{f: rd.read(k, s, kind), kind: kind}
}

// Titled reports a person's name written as surname and title (陈先生,
// 王总).
func (r *NameReading) Titled() bool { return r.f.titled }

// Titled reports a person's name written as surname and title (陈先生,
// 王总), without reading it.
func Titled(name string) bool { return isTitled(compact(name)) }

// CompareReadings is CompareNames on names read with ReadName; a is read
// as a company name when both are.
func CompareReadings(a, b *NameReading) NameForm {
	var lv, how int
	if a.kind == record.Company && b.kind == record.Company {
		lv, how = compareNames(&a.f, &b.f, true)
	} else {
		lv, how = comparePersons(&a.f, &b.f)
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

// plainNamer hides a Namer's appending form (readingsAppender).
type plainNamer struct{ n Namer }

func (p plainNamer) Readings(name string, kind record.Kind) [][]string {
	return p.n.Readings(name, kind)
}
func (p plainNamer) Romanized(name string) ([]string, bool) { return p.n.Romanized(name) }
