// Package msg is the catalogue of what crmclean says to a person inside its
// output files: every message has a stable id and a Simplified Chinese and
// an English text, and the outputs render it in the run's language
// (--lang). Ids, rule names, headers and codes stay English; the CLI's own
// help, errors and summary are English and do not come from here.
//
// A message is an id and its arguments, all strings, so that it can be
// stored and rendered again in any language. An argument may itself be a
// message (Nested) or a list of alternatives (Or); both are rendered in the
// language of the message around them.
package msg

import (
	"fmt"
	"strconv"
	"strings"
)

// ID names a message of the catalogue, e.g. "phone.invalid".
type ID string

// Msg is a message: its id and its arguments.
type Msg struct {
	ID   ID
	Args []string
}

// New returns the message id with args.
func New(id ID, args ...string) Msg { return Msg{ID: id, Args: args} }

// In renders m in lang ("zh", the default, or "en"). A message whose id is
// not in the catalogue renders as its arguments joined, so text from
// elsewhere (a rules file's own message) passes through unchanged.
func (m Msg) In(lang string) string {
	e, ok := catalogue[m.ID]
	if !ok {
		return strings.Join(m.Args, " ")
	}
	var buf [4]string
	args := buf[:0]
	for _, a := range m.Args {
		args = append(args, arg(lang, a))
	}
	return sprint(e[index(lang)], args)
}

// sprint is fmt.Sprintf(format, args...) for string arguments, without
// fmt where the format's verbs are only %s, %q (either with an index,
// %[n]s) and %%: every text of the catalogue: the messages are rendered once per row of
// lineage.csv and issues.csv. Any other format, or arguments missing or
// left over, go to fmt. FuzzSprint holds the two equal.
func sprint(format string, args []string) string {
	n := len(format)
	for _, a := range args {
		n += len(a)
	}
	var b strings.Builder // grown once: its String does not copy
	b.Grow(n)
	next, indexed := 0, false
	for i := 0; i < len(format); {
		j := strings.IndexByte(format[i:], '%')
		if j < 0 {
			b.WriteString(format[i:])
			break
		}
		b.WriteString(format[i : i+j])
		v, ok := readVerb(format, i+j+1, next, len(args))
		if !ok {
			return sprintf(format, args)
		}
		i = v.end
		if v.at < 0 {
			b.WriteByte('%')
			continue
		}
		indexed = indexed || v.indexed
		if v.quote {
			b.WriteString(strconv.Quote(args[v.at]))
		} else {
			b.WriteString(args[v.at])
		}
		next = v.at + 1
	}
	if !indexed && next < len(args) {
		return sprintf(format, args)
	}
	return b.String()
}

// verb is a verb of a catalogue format, as readVerb reads it.
type verb struct {
	end     int  // where the format goes on after it
	at      int  // the argument it shows; -1 for %%
	quote   bool // %q
	indexed bool // %[n]s or %[n]q
}

// readVerb reads the verb whose % is just before format[i]: %%, %s, %q,
// %[n]s or %[n]q, with next the argument an unindexed verb shows and
// args how many there are. It is not ok for any other verb, or one whose
// argument is missing: fmt renders those.
func readVerb(format string, i, next, args int) (verb, bool) {
	if i < len(format) && format[i] == '%' {
		return verb{end: i + 1, at: -1}, true
	}
	v := verb{at: next}
	if i < len(format) && format[i] == '[' {
		k := i + 1
		at := 0
		for k < len(format) && '0' <= format[k] && format[k] <= '9' && at <= args {
			at = 10*at + int(format[k]-'0')
			k++
		}
		if k == i+1 || k >= len(format) || format[k] != ']' || at < 1 || at > args {
			return v, false
		}
		v.at, v.indexed, i = at-1, true, k+1
	}
	if i >= len(format) || format[i] != 's' && format[i] != 'q' || v.at >= args {
		return v, false
	}
	v.quote, v.end = format[i] == 'q', i+1
	return v, true
}

// AppendIn appends m rendered in lang to dst, as In renders it, without
// making a string of it: the writers render a message on each line of
// links.csv and lineage.csv. A nested message is rendered in place; lists
// and formats sprint leaves to fmt go through In. FuzzAppendIn holds the
// two equal.
func (m Msg) AppendIn(dst []byte, lang string) []byte {
	e, ok := catalogue[m.ID]
	if !ok {
		return append(dst, m.In(lang)...)
	}
	format := e[index(lang)]
	start := len(dst)
	next, indexed := 0, false
	for i := 0; i < len(format); {
		j := strings.IndexByte(format[i:], '%')
		if j < 0 {
			dst = append(dst, format[i:]...)
			break
		}
		dst = append(dst, format[i:i+j]...)
		v, ok := readVerb(format, i+j+1, next, len(m.Args))
		if !ok {
			return append(dst[:start], m.In(lang)...)
		}
		i = v.end
		if v.at < 0 {
			dst = append(dst, '%')
			continue
		}
		indexed = indexed || v.indexed
		if v.quote {
			dst = strconv.AppendQuote(dst, arg(lang, m.Args[v.at]))
		} else {
			dst = appendArg(dst, lang, m.Args[v.at])
		}
		next = v.at + 1
	}
	if !indexed && next < len(m.Args) {
		return append(dst[:start], m.In(lang)...)
	}
	return dst
}

// appendArg appends arg(lang, a) to dst: plain text as it is, a nested
// message of plain arguments rendered in place.
func appendArg(dst []byte, lang, a string) []byte {
	rest, ok := strings.CutPrefix(a, nestedMark)
	if !ok || strings.ContainsAny(rest, nestedMark+orSep+andSep) {
		if !ok && !strings.ContainsAny(a, orSep+andSep) {
			return append(dst, a...) // plain text: most arguments
		}
		return append(dst, arg(lang, a)...)
	}
	id, rest, more := strings.Cut(rest, argSep)
	var buf [8]string
	args := buf[:0]
	for more {
		var a string
		a, rest, more = strings.Cut(rest, argSep)
		args = append(args, a)
	}
	return Msg{ID: ID(id), Args: args}.AppendIn(dst, lang)
}

func sprintf(format string, args []string) string {
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	return fmt.Sprintf(format, a...)
}

// IsZero reports whether m is no message at all.
func (m Msg) IsZero() bool { return m.ID == "" }

// Text renders the message id with args in lang.
func Text(lang string, id ID, args ...string) string { return New(id, args...).In(lang) }

// Known reports whether id is in the catalogue.
func Known(id ID) bool {
	_, ok := catalogue[id]
	return ok
}

const (
	nestedMark = "\x1d" // starts an argument that is a message: id, then "\x1f" before each argument
	argSep     = "\x1f"
	orSep      = "\x1e" // separates the alternatives of an Or list
	moreMark   = "\x1c" // starts the last item of an Or list: how many more there are
	andSep     = "\x1b" // separates the items of an And list
)

// Nested encodes the message id with args as an argument of another one.
func Nested(id ID, args ...string) string {
	// nestedMark + id + argSep + strings.Join(args, argSep), in one
	// allocation: every merged row's reason names its kept row's place.
	n := len(nestedMark) + len(id) + len(argSep)*max(len(args), 1)
	for _, a := range args {
		n += len(a)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(nestedMark)
	b.WriteString(string(id))
	b.WriteString(argSep)
	for i, a := range args {
		if i > 0 {
			b.WriteString(argSep)
		}
		b.WriteString(a)
	}
	return b.String()
}

// Or encodes alternatives as one argument, rendered "A or B" / "A或B".
func Or(items ...string) string { return strings.Join(items, orSep) }

// And encodes items as one argument, rendered "A, B and C" / "A、B和C".
func And(items ...string) string { return strings.Join(items, andSep) }

// OrMore is Or with a count of alternatives left unlisted:
// "A or B or 3 more" / "A、B或另外 3 个".
func OrMore(more int, items ...string) string {
	return Or(append(items, fmt.Sprintf("%s%d", moreMark, more))...)
}

// Arg renders one argument in lang: a nested message or a list in that
// language, plain text as it is.
func Arg(lang, a string) string { return arg(lang, a) }

func arg(lang, a string) string {
	if !strings.ContainsAny(a, nestedMark+orSep+andSep) { // plain text: most arguments
		return a
	}
	if rest, ok := strings.CutPrefix(a, nestedMark); ok {
		parts := strings.Split(rest, argSep)
		return Text(lang, ID(parts[0]), parts[1:]...)
	}
	if items := strings.Split(a, andSep); len(items) > 1 {
		if lang == "en" {
			return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
		}
		return strings.Join(items[:len(items)-1], "、") + "和" + items[len(items)-1]
	}
	if !strings.Contains(a, orSep) {
		return a
	}
	items := strings.Split(a, orSep)
	for i, it := range items {
		if n, ok := strings.CutPrefix(it, moreMark); ok {
			items[i] = Text(lang, "list.more", n)
		}
	}
	if lang == "en" {
		return strings.Join(items, " or ")
	}
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], "、") + "或" + items[len(items)-1]
}
