package normalize

import (
	"testing"

	"github.com/crmclean/crmclean/rules"
)

func TestSplitRole(t *testing.T) {
	roles := byLength(rules.Default().Names.ContactRoles)
	tests := []struct {
		in, name, role string
	}{
		{"何芳芳-代理", "何芳芳", "代理"},
		{"何芳芳－代理", "何芳芳", "代理"},
		{"王强（经理）", "王强", "经理"},
		{"王强(总经理)", "王强", "总经理"},
		{"李娜/财务", "李娜", "财务"},
		{"张伟 采购", "张伟", "采购"},
		{"欧阳娜娜代理", "欧阳娜娜", "代理"},
		{"李经理", "李经理", ""},   // a surname with a title: kept for the matcher
		{"王总经理", "王总经理", ""}, // likewise
		{"张伟", "张伟", ""},
		{"王强（北京）", "王强（北京）", ""}, // not a role
		{"Chen Sijia (经理)", "Chen Sijia (经理)", ""},
		{"华信科技有限公司-代理", "华信科技有限公司-代理", ""}, // not a person's name
		{"", "", ""},
	}
	for _, tc := range tests {
		name, role := splitRole(tc.in, roles)
		if name != tc.name || role != tc.role {
			t.Errorf("splitRole(%q) = %q, %q; want %q, %q", tc.in, name, role, tc.name, tc.role)
		}
	}
}
