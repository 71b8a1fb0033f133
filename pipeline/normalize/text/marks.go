package text

import "strings"

// Placeholders recognizes cell values that mean "empty" (无, 暂无, -, N/A, …),
// as listed in the rules file.
type Placeholders struct{ set map[string]struct{} }

// NewPlaceholders builds a matcher for list. Entries are compared after
// Clean and lower-casing, so "N/A", "n/a" and "Ｎ／Ａ" are one entry.
func NewPlaceholders(list []string) *Placeholders {
	return &Placeholders{set: keySet(list)}
}

// Is reports whether s, cleaned and lower-cased, is a placeholder.
func (p *Placeholders) Is(s string) bool { return inSet(p.set, s) }

// Dittos recognizes ditto marks: values that mean "same as the row above"
// (同上, 同左, ", 〃, …), as listed in the rules file.
type Dittos struct{ set map[string]struct{} }

// NewDittos builds a matcher for list, compared like placeholders.
func NewDittos(list []string) *Dittos {
	return &Dittos{set: keySet(list)}
}

// Is reports whether s, cleaned and lower-cased, is a ditto mark.
func (d *Dittos) Is(s string) bool { return inSet(d.set, s) }

func key(s string) string { return strings.ToLower(Clean(s)) }

func keySet(list []string) map[string]struct{} {
	set := make(map[string]struct{}, len(list))
	for _, s := range list {
		if k := key(s); k != "" {
			set[k] = struct{}{}
		}
	}
	return set
}

func inSet(set map[string]struct{}, s string) bool {
	if s == "" || len(set) == 0 {
		return false
	}
	_, ok := set[key(s)]
	return ok
}
