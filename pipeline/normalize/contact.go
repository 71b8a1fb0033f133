package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// splitRole takes a role note off a contact person's name, as sheets
// write it: 何芳芳-代理, 王强（经理）, 李娜/财务, 张伟 采购. It returns the
// name and the role, or the contact unchanged and "" when what follows the
// name is not one of roles, or the name would not be left a person's
// name of two to four Han characters.
func splitRole(contact string, roles []string) (name, role string) {
	s := strings.TrimSpace(contact)
	if s == "" || len(roles) == 0 {
		return contact, ""
	}
	// A role in brackets at the end.
	if r, size := utf8.DecodeLastRuneInString(s); r == ')' || r == '）' {
		open := strings.LastIndexAny(s, "(（")
		if open > 0 {
			closeLen := size
			openLen := 1
			if s[open] != '(' {
				openLen = len("（")
			}
			inner := strings.TrimSpace(s[open+openLen : len(s)-closeLen])
			if isRole(inner, roles) {
				if head := strings.TrimSpace(s[:open]); personShape(head) {
					return head, inner
				}
			}
		}
		return contact, ""
	}
	// A role after a separator, or after a full name.
	for _, ro := range roles {
		head, ok := strings.CutSuffix(s, ro)
		if !ok || head == "" {
			continue
		}
		trimmed := strings.TrimRightFunc(head, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("-－—_/／、,，:：", r)
		})
		if trimmed == head && utf8.RuneCountInString(head) < 3 {
			continue // 李经理 is a surname with a title, not 李 + 经理
		}
		if personShape(trimmed) {
			return trimmed, ro
		}
	}
	return contact, ""
}

func isRole(s string, roles []string) bool {
	for _, r := range roles {
		if s == r {
			return true
		}
	}
	return false
}

// personShape reports two to four Han characters.
func personShape(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
		n++
	}
	return n >= 2 && n <= 4
}
