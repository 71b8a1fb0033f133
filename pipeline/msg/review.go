package msg

// review holds the texts of review.csv and review.xlsx and of evidence
// pattern labels: id → {Simplified Chinese, English}.
var review = map[ID][2]string{
	// pattern labels (match.Label): kind, field, outcome as a verb
	"pattern.kind.person":      {"个人", "persons"},
	"pattern.kind.company":     {"企业", "companies"},
	"pattern.head":             {"%[1]s：", "%[1]s: "},
	"pattern.part":             {"%[1]s%[2]s", "%[1]s %[2]s"},
	"pattern.outcome.agree":    {"一致", "agrees"},
	"pattern.outcome.near":     {"相近", "near"},
	"pattern.outcome.fuzzy":    {"近似", "alike"},
	"pattern.outcome.disagree": {"不一致", "differs"},
	"pattern.outcome.missing":  {"缺失", "missing"},

	// the fields of evidence, in patterns and review cells
	"evidence.field.name":     {"名称", "name"},
	"evidence.field.contact":  {"联系人", "contact"},
	"evidence.field.mobile":   {"手机", "mobile"},
	"evidence.field.landline": {"座机", "landline"},
	"evidence.field.email":    {"邮箱", "e-mail"},
	"evidence.field.address":  {"地址", "address"},
	"evidence.field.uscc":     {"信用代码", "USCC"},
	"evidence.field.branch":   {"分支机构", "branch"},
	"evidence.field.decision": {"人工决定", "decision"},
	// the outcomes of evidence in review cells
	"evidence.outcome.agree":    {"一致", "agree"},
	"evidence.outcome.near":     {"相近", "near"},
	"evidence.outcome.fuzzy":    {"近似", "alike"},
	"evidence.outcome.disagree": {"不一致", "disagree"},
	"evidence.outcome.missing":  {"缺失", "missing"},
	"evidence.outcome.merge":    {"合并", "merge"},
	"evidence.sep":              {"；", "; "},

	"review.patterns_note": {"每行是一种证据模式：在 decision 列填写 合并 或 不合并，即对该模式下所有未单独填写的记录对生效（review 表中单独填写的决定优先；自动匹配的硬性规则——不同的人、不同分支机构、信用代码冲突——不会被模式覆盖）。",
		"Each row is an evidence pattern: merge or keep in its decision cell applies to every pair of the pattern whose own decision cell (sheet review) is empty; a pair's own decision wins, and a pattern never overrides the matching's hard rules (different persons, different branches, conflicting USCCs)."},
}

func init() {
	for id, e := range review {
		if _, dup := catalogue[id]; dup {
			panic("msg: " + string(id) + " is in two catalogues")
		}
		catalogue[id] = e
	}
}
