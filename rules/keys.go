package rules

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkKeys walks a rules document against the Rules type before it is
// decoded, so that a typo is reported as the user wrote it — the key's
// path, its line and the closest known key — rather than as the YAML
// decoder's Go type names. It also checks that scalars meant as numbers or
// true/false are.
func checkKeys(doc *yaml.Node) error {
	n := doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil // an empty file
	}
	return walk(n, reflect.TypeOf(Rules{}), "")
}

func walk(n *yaml.Node, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	where := func() string {
		if path == "" {
			return "the top level"
		}
		return path
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: %s must be a section of keys (key: value lines), not %s", n.Line, where(), describe(n))
		}
		keys := yamlKeys(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := keys[k.Value]
			if !ok {
				known := make([]string, 0, len(keys))
				for name := range keys {
					known = append(known, name)
				}
				msg := fmt.Sprintf("line %d: unknown key %s", k.Line, join(path, k.Value))
				if s := Suggest(k.Value, known); s != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", join(path, s))
				} else {
					msg += fmt.Sprintf(" (known here: %s)", strings.Join(sorted(known), ", "))
				}
				return fmt.Errorf("%s", msg)
			}
			if err := walk(v, f.Type, join(path, k.Value)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			if isNull(n) {
				return nil
			}
			return fmt.Errorf("line %d: %s must be a list of key: value lines, not %s", n.Line, where(), describe(n))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := walk(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if isNull(n) {
			return nil
		}
		if n.Kind != yaml.SequenceNode {
			return fmt.Errorf("line %d: %s must be a list ([a, b] or lines starting with -), not %s", n.Line, where(), describe(n))
		}
		for i, e := range n.Content {
			if err := walk(e, t.Elem(), path+"."+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	case reflect.Float32, reflect.Float64:
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: %s must be a number, not %s", n.Line, where(), describe(n))
		}
		if _, err := strconv.ParseFloat(n.Value, 64); err != nil {
			return fmt.Errorf("line %d: %s must be a number, not %q", n.Line, where(), n.Value)
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: %s must be a whole number, not %s", n.Line, where(), describe(n))
		}
		if _, err := strconv.Atoi(n.Value); err != nil {
			return fmt.Errorf("line %d: %s must be a whole number, not %q", n.Line, where(), n.Value)
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return fmt.Errorf("line %d: %s must be true or false, not %q", n.Line, where(), n.Value)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: %s must be a single value, not %s", n.Line, where(), describe(n))
		}
	}
	return nil
}

// yamlKeys maps the YAML keys of a struct type to its fields.
func yamlKeys(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "-" || !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = strings.ToLower(f.Name)
		}
		out[tag] = f
	}
	return out
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a section of keys"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sorted(list []string) []string {
	out := append([]string(nil), list...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Suggest returns the candidate closest to word for a "did you mean"
// message: one differing in case only, or within a small edit distance
// (a third of its length, at most 3), or "" when none is close.
func Suggest(word string, candidates []string) string {
	best, bestD := "", -1
	lw := strings.ToLower(word)
	for _, c := range sorted(candidates) {
		if strings.ToLower(c) == lw {
			return c
		}
		d := editDistance(lw, strings.ToLower(c))
		limit := min(3, max(1, len([]rune(c))/3))
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Damerau-Levenshtein distance (adjacent swaps count
// one) between a and b, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
