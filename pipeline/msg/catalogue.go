package msg

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/normalize/text"
)

// catalogue holds the messages about the data: id → {Simplified Chinese,
// English}. Arguments are strings, referred to by position (%[1]s) so that
// each language orders them as it reads best; the English texts quote with
// %q as Go does.
var catalogue = map[ID][2]string{
	"list.more":   {"另外 %[1]s 个", "%[1]s more"},
	"the_country": {"全国", "the country"},
	"no_province": {"未知省份", "no known province"},

	// where a row is; the lineage reason of a merged row names the row kept
	"where.sheet": {"%[1]s，工作表“%[2]s”，第 %[3]s 行", "%[1]s, sheet %[2]q, row %[3]s"},
	"where.file":  {"%[1]s，第 %[2]s 行", "%[1]s, row %[2]s"},

	// lineage reasons: skipped, rejected and merged rows
	"skip.blank":             {"空行", "blank row"},
	"skip.blank_rows":        {"连续空行", "blank rows"},
	"skip.title":             {"表头上方的标题行", "title row above the header"},
	"skip.header":            {"表头行", "header row"},
	"skip.repeated_header":   {"重复的表头行", "repeated header row"},
	"skip.footer":            {"合计或小计行：%[1]s", "footer or subtotal row: %[1]s"},
	"skip.note":              {"表尾或备注行：%[1]s", "footer or note row: %[1]s"},
	"reject.no_header":       {"工作表中未找到表头，无法识别各列", "no header row found in the sheet: columns cannot be mapped"},
	"merged.same_customer":   {"与 %[1]s 为同一客户", "same customer as %[1]s"},
	"merged.identical_sheet": {"与本工作表中前面的一行完全相同", "identical to an earlier row of the sheet"},
	"merged.identical":       {"与 %[1]s 完全相同", "identical to %[1]s"},
	"reject.identical":       {"与 %[1]s 完全相同，随之被拒绝：%[2]s", "identical to %[1]s, rejected with it: %[2]s"},
	"reject.unread_rows":     {"未读取：读取在第 %[1]s 行中断，第 %[1]s–%[2]s 行未读取：%[3]s", "not read: reading stopped at row %[1]s, so rows %[1]s-%[2]s were not read: %[3]s"},
	"reject.unread_last":     {"未读取：读取在第 %[1]s 行（最后一行）中断：%[2]s", "not read: reading stopped at row %[1]s, the last: %[2]s"},
	"reject.unread_below":    {"未读取：读取在第 %[1]s 行中断，该行及以下各行未读取：%[2]s", "not read: reading stopped at row %[1]s, so it and any rows below it were not read: %[2]s"},

	// files and sheets not read
	"file.encrypted":       {"工作簿设有密码保护：请在 Excel 中取消密码（文件 > 信息 > 保护工作簿）后重新保存", "the workbook is password-protected"},
	"file.corrupt":         {"文件已损坏或与扩展名不符：请用 Excel 或 WPS 打开后另存为 .xlsx（Excel 工作簿）", "the file is damaged or not what its name says"},
	"file.empty":           {"文件为空", "the file is empty"},
	"file.unsupported":     {"不支持的文件类型：请用 Excel 或 WPS 打开后另存为 .xlsx（Excel 工作簿）", "unsupported file type"},
	"file.too_large":       {"文件解压后超出安全上限", "the file expands beyond the safety limit"},
	"file.encoding":        {"无法识别文本编码：请另存为 UTF-8 编码的 CSV", "the text encoding could not be recognised"},
	"file.lock":            {"Office 锁定文件（该工作簿正在 Excel 中打开）", "Office lock file (the workbook is open in Excel)"},
	"file.hidden":          {"隐藏文件", "hidden file"},
	"file.not_spreadsheet": {"不是电子表格（crmclean 读取 .xlsx、.xlsm、.csv、.tsv、.txt）", "not a spreadsheet (crmclean reads .xlsx, .xlsm, .csv, .tsv, .txt)"},
	"sheet.hidden":         {"隐藏的工作表", "hidden sheet"},
	"sheet.very_hidden":    {"深度隐藏的工作表", "very hidden sheet"},
	"sheet.chart":          {"图表工作表", "chart sheet"},
	"sheet.dialog":         {"对话框工作表", "dialog sheet"},
	"sheet.macro":          {"宏工作表", "macro sheet"},
	"sheet.not_worksheet":  {"不是普通工作表", "not a worksheet"},
	"sensitive.hidden":     {"敏感列的值，不显示", "value of a sensitive column, not shown"},

	// evidence of a compared pair of records
	"ev.plain":                   {"%[1]s", "%[1]s"},
	"ev.differ":                  {"%[1]s ≠ %[2]s", "%[1]s ≠ %[2]s"},
	"ev.name_records":            {"%[1]s（%[2]s 条记录）", "%[1]s (%[2]s records)"},
	"ev.same_pinyin":             {"%[1]s ~ %[2]s（拼音相同：%[3]s）", "%[1]s ~ %[2]s (same pinyin %[3]s)"},
	"ev.heteronym":               {"%[1]s ~ %[2]s（按多音字的另一读音拼音相同）", "%[1]s ~ %[2]s (same pinyin through a less common reading)"},
	"ev.romanized":               {"%[1]s ~ %[2]s（拼音写法，拼音相同）", "%[1]s ~ %[2]s (romanized, same pinyin)"},
	"ev.similar_pinyin":          {"%[1]s ~ %[2]s（拼音相近：%[3]s/%[4]s）", "%[1]s ~ %[2]s (similar pinyin %[3]s/%[4]s)"},
	"ev.initials":                {"%[1]s ~ %[2]s（拼音首字母）", "%[1]s ~ %[2]s (pinyin initials)"},
	"ev.contains":                {"%[1]s ~ %[2]s（一个以另一个开头）", "%[1]s ~ %[2]s (one starts with the other)"},
	"ev.group":                   {"%[1]s ≠ %[2]s（集团与其成员公司）", "%[1]s ≠ %[2]s (a group and a company of the group)"},
	"ev.one_char":                {"%[1]s ~ %[2]s（相差一个字）", "%[1]s ~ %[2]s (one character differs)"},
	"ev.title":                   {"%[1]s ~ %[2]s（同姓，其一为称呼）", "%[1]s ~ %[2]s (same surname, one is a title)"},
	"ev.branch":                  {"“%[1]s” ~ “%[2]s”（其一为分支机构）", "%[1]q ~ %[2]q (one is a branch)"},
	"ev.contact_neutral":         {"%[1]s（双方的联系人，且共用号码：不能证明是同一家公司）", "%[1]s (the contact of both, with the number they share: no evidence the companies are one)"},
	"ev.same_mobile":             {"手机相同 %[1]s", "same mobile %[1]s"},
	"ev.same_mobile_used":        {"手机相同 %[1]s，%[2]s 个名称使用", "same mobile %[1]s, used by %[2]s names"},
	"ev.same_shared_mobile":      {"共用手机相同 %[1]s", "same shared mobile %[1]s"},
	"ev.same_shared_mobile_used": {"共用手机相同 %[1]s，%[2]s 个名称使用", "same shared mobile %[1]s, used by %[2]s names"},
	"ev.same_number":             {"号码相同 %[1]s", "same number %[1]s"},
	"ev.same_number_used":        {"号码相同 %[1]s，%[2]s 个名称使用", "same number %[1]s, used by %[2]s names"},
	"ev.same_shared_number":      {"共用号码相同 %[1]s", "same shared number %[1]s"},
	"ev.same_shared_number_used": {"共用号码相同 %[1]s，%[2]s 个名称使用", "same shared number %[1]s, used by %[2]s names"},
	"ev.digit_missing":           {"%[1]s 是少了一位的 %[2]s", "%[1]s is %[2]s with a digit missing"},
	"ev.shared_number":           {"%[1]s 由多个客户共用：不能证明不同名称属同一客户", "%[1]s is shared by several customers: no evidence for different names"},
	"ev.same_mailbox":            {"企业邮箱相同 %[1]s", "same company mailbox %[1]s"},
	"ev.same_mailbox_used":       {"企业邮箱相同 %[1]s，%[2]s 个名称使用", "same company mailbox %[1]s, used by %[2]s names"},
	"ev.same_freemail":           {"免费邮箱相同 %[1]s", "same free-mail address %[1]s"},
	"ev.same_freemail_used":      {"免费邮箱相同 %[1]s，%[2]s 个名称使用", "same free-mail address %[1]s, used by %[2]s names"},
	"ev.same_domain":             {"企业邮箱域名相同 %[1]s", "same company domain %[1]s"},
	"ev.address_similar":         {"%[1]s，详细地址相似度 %[2]s", "%[1]s, detail similarity %[2]s"},
	"ev.decided":                 {"由人工决定", "decided by a person"},

	// the fix list (issues.csv, issues.xlsx)
	"fix.needs_person": {"需人工处理", "needs a person"},
	"fix.no_owner":     {"未写负责人", "no owner"},
	"fix.summary":      {"汇总", "summary"},
	"fix.c_sheet":      {"工作表", "sheet"},
	"fix.c_group":      {"负责人或文件", "owner or file"},
	"fix.c_issues":     {"问题数", "problems"},
	"fix.c_person":     {"需人工处理", "need a person"},

	// cells and rows as the files hold them
	"csv.stray_quote":           {"该单元格以引号开头却没有闭合：引号已作为文本的一部分读取", "a quote opens this cell and never closes: it was read as part of the text"},
	"text.other_encoding":       {"该行是 %[1]s 编码的文本，而文件是 %[2]s 编码：已按 %[1]s 读取（文件可能由两个程序写成）", "the row is %[1]s text in a file that is %[2]s: it was read as %[1]s (the file was probably written by two programs)"},
	"text.invalid_bytes":        {"该单元格含有不是 %[1]s 编码的字节：已替换为“\uFFFD”；请在原文件中核对该单元格", "the cell holds bytes that are not %[1]s text: they were replaced by \"\uFFFD\"; check the cell in the file"},
	"text.invalid_bytes_either": {"该单元格含有既不是 %[1]s 也不是 %[2]s 编码的字节：已替换为“\uFFFD”；请在原文件中核对该单元格", "the cell holds bytes that are neither %[1]s nor %[2]s text: they were replaced by \"\uFFFD\"; check the cell in the file"},
	"cell.unreadable":           {"该单元格无法读取（%[1]s）：已留空；请在 Excel 中核对", "the cell cannot be read (%[1]s): it was left empty; check it in Excel"},

	// cells as read
	"row.ragged": {"该行有 %[1]s 个单元格，而表头行有 %[2]s 个；已按原样读取",
		"row has %[1]s cells where the header row has %[2]s; cells were read as they stand"},
	"cell.lossy_number": {"长数字被 Excel 存成了浮点数，末尾几位已丢失，不可信（请在原表中将该列设为文本后重新导出）",
		"a long number was stored by Excel as a floating-point number and lost its last digits; it cannot be trusted (format the column as text in the source and re-export)"},
	"cell.ditto_unresolved": {"“同上”标记，但上一行没有可引用的值", "ditto mark with no value in the row above"},
	"cell.ditto":            {"“同上”已替换为上一行的值", "ditto mark replaced by the value of the row above"},

	// validation rules (the texts of the default rules; a rules file's own
	// message is shown as written)
	"required.name":    {"缺少客户名称（也没有可用作个人客户名称的联系人）", "no customer name (and no contact person to name an individual)"},
	"required.reach":   {"无法联系客户（没有手机、座机或邮箱）", "no way to reach the customer (no mobile, landline or e-mail)"},
	"required.field":   {"必填字段 %[1]s 为空", "required field %[1]s is empty"},
	"allowed.value":    {"“%[1]s”不在允许值之内（允许：%[2]s）", "%[1]q is not an allowed value (allowed: %[2]s)"},
	"uscc.invalid":     {"不是有效的统一社会信用代码（应为 18 位，末位为 GB 32100-2015 校验码）", "not a valid unified social credit code (18 characters with a GB 32100-2015 check character)"},
	"date.invalid":     {"无法识别的日期（可写作 2023-01-05、2023/1/5、2023年1月5日）", "not a date crmclean can read (e.g. 2023-01-05, 2023/1/5, 2023年1月5日)"},
	"internal.failure": {"处理该行时出错：%[1]s", "%[1]s"},

	// e-mail
	"email.invalid":        {"“%[1]s”不是邮箱地址：%[2]s", "%[1]q is not an e-mail address: %[2]s"},
	"email.invalid_fixed":  {"“%[1]s”不是邮箱地址：规则把它的域名改为“%[2]s”，但这不是有效的域名", "%[1]q is not an e-mail address: the rules fix its domain to %[2]q, which is not valid"},
	"email.domain_fixed":   {"域名拼写已更正：“%[1]s” → “%[2]s”", "misspelt domain corrected: %[1]q → %[2]q"},
	"email.why.no_at":      {"没有 @", "no @"},
	"email.why.many_at":    {"有不止一个 @", "more than one @"},
	"email.why.no_local":   {"@ 前面没有内容", "nothing before the @"},
	"email.why.no_domain":  {"@ 后面没有内容", "nothing after the @"},
	"email.why.bad_local":  {"@ 前面的“%[1]s”不是有效的名称", "%[1]q is not a valid name before the @"},
	"email.why.no_dot":     {"域名“%[1]s”中没有点", "domain %[1]q has no dot"},
	"email.why.bad_domain": {"“%[1]s”不是有效的域名", "%[1]q is not a valid domain"},

	// addresses
	"address.conflict_columns": {"地址“%[1]s”位于%[2]s，但省/市/区列写的是%[3]s；保留%[4]s",
		"the address %[1]q is in %[2]s but the province/city/district columns say %[3]s; kept %[4]s"},
	"address.conflict": {"“%[1]s”不在%[2]s范围内；保留%[3]s，“%[1]s”留在详细地址中",
		"%[1]q is not in %[2]s; kept %[3]s and left %[1]q in the detail"},
	"address.typo_fixed": {"“%[1]s”已更正为“%[2]s”：只差一个字，且%[3]s没有其他同样接近的地名",
		"%[1]q corrected to %[2]q: one character differs and no other division of %[3]s is that close"},
	"address.renamed":       {"“%[1]s”是“%[2]s”的旧名（%[3]s 年更名）", "%[1]q is a former name of %[2]q (changed in %[3]s)"},
	"address.renamed_via":   {"“%[1]s”是旧名：%[2]s 自 %[4]s 年起为%[3]s", "%[1]q is a former name: %[2]s has been %[3]s since %[4]s"},
	"address.renamed_split": {"“%[1]s”是旧名：%[3]s 年已拆分为%[2]s；保留%[4]s，区县留空", "%[1]q is a former name: it was split into %[2]s in %[3]s; kept %[4]s and left the district empty"},
	"address.inferred":      {"由区县“%[2]s”补全为%[1]s", "%[1]s inferred from the district %[2]q"},
	"address.ambiguous":     {"“%[1]s”可能是%[2]s；请补上省或市以便区分", "%[1]q could be %[2]s; add the province or city to tell which"},

	// telephone numbers
	"phone.not_mobile":          {"不是手机号（%[1]s）", "not a mobile number (a %[1]s number)"},
	"phone.type.landline":       {"座机号码", "landline"},
	"phone.type.service":        {"400/800/95 服务号", "service"},
	"phone.type.other":          {"其他号码", "other"},
	"phone.invalid":             {"“%[1]s”不是电话号码：%[2]s", "%[1]q is not a phone number: %[2]s"},
	"phone.excel_number":        {"“%[1]s”是科学计数法的数字，读作 %[2]s，请与原表核对", "%[1]q is a number in scientific notation; read as %[2]s, check it against the source"},
	"phone.excel_number_lossy":  {"“%[1]s”是丢失了位数的科学计数法数字；请将该列设为文本后重新导出", "%[1]q is a number in scientific notation that lost digits; re-export the column as text"},
	"phone.no_number":           {"“%[1]s”中没有电话号码", "%[1]q holds no phone number"},
	"phone.no_area_code":        {"“%[1]s”是没有区号的本地号码，且客户所在城市未知；请补上区号", "%[1]q is a local number without area code and the customer's city is unknown; add the area code"},
	"phone.no_area_code_city":   {"“%[1]s”是没有区号的本地号码，且不知道%[2]s的区号；请补上区号", "%[1]q is a local number without area code and no area code is known for %[2]s; add the area code"},
	"phone.area_code_inferred":  {"“%[1]s”缺少区号；已按%[3]s补上 0%[2]s", "%[1]q has no area code; added 0%[2]s of %[3]s"},
	"phone.trunk_zero_added":    {"“%[1]s”的区号缺少开头的 0（单元格存成了数字？）；读作 %[2]s", "%[1]q lacks the leading 0 of its area code (a numeric cell?); read as %[2]s"},
	"phone.trunk_zero_removed":  {"“%[1]s”是前面多了 0 的手机号；读作 %[2]s", "%[1]q is a mobile written with a leading 0; read as %[2]s"},
	"phone.landline_length":     {"“%[1]s”：区号 0%[2]s 的号码为 %[3]s 位，这个号码有 %[4]s 位；已保留为 %[5]s，请核对", "%[1]q: area code 0%[2]s takes numbers of %[3]s digits, this one has %[4]s; kept as %[5]s, check the number"},
	"phone.area_code_mismatch":  {"“%[1]s”的区号 0%[2]s 属于%[3]s，但客户所在城市是%[4]s", "%[1]q has area code 0%[2]s (%[3]s), but the customer's city is %[4]s"},
	"phone.mobile_extension":    {"“%[1]s”：手机号没有分机号；保留 %[2]s，去掉了“%[3]s”", "%[1]q: a mobile number has no extension; kept %[2]s and dropped %[3]q"},
	"phone.why.digits":          {"%[1]s 位数字不构成电话号码", "%[1]s digits is not a phone number"},
	"phone.why.mobile_length":   {"%[1]s 位数字，手机号应为 11 位", "%[1]s digits, a mobile number has 11"},
	"phone.why.mobile_prefix":   {"%[1]s 不是中国的手机号段", "%[1]s is not a Chinese mobile prefix"},
	"phone.why.prefix_length":   {"%[1]s 位数字，%[2]s 号码应为 10 位", "%[1]s digits, a %[2]s number has 10"},
	"phone.why.prefix_invalid":  {"不是有效的 %[1]s 号码", "not a valid %[1]s number"},
	"phone.why.area_unknown":    {"0%[1]s 不是中国的长途区号", "0%[1]s is not a Chinese area code"},
	"phone.why.area_too_long":   {"区号 0%[2]s 后有 %[1]s 位数字，最多只能有 %[3]s 位", "%[1]s digits after area code 0%[2]s, at most %[3]s are possible"},
	"phone.why.area_length":     {"区号 0%[2]s 后有 %[1]s 位数字，该地号码为 %[3]s 位", "%[1]s digits after area code 0%[2]s, a number there has %[3]s"},
	"phone.why.area_invalid":    {"%[1]s 不是区号 0%[2]s 下的有效号码", "%[1]s is not a valid number in area code 0%[2]s"},
	"phone.why.intl_invalid":    {"不是有效的国际号码", "not a valid international number"},
	"phone.why.intl_incomplete": {"国际号码不完整", "incomplete international number"},
	"phone.why.region_invalid":  {"不是地区 %[1]s 的有效号码", "not a valid number for region %[1]s"},
	"phone.why.local_invalid":   {"%[1]s 位数字不是%[2]s（区号 0%[3]s）的有效本地号码", "%[1]s digits is not a valid local number in %[2]s (area code 0%[3]s)"},
	"phone.why.no_digits":       {"没有数字", "no digits"},
	"phone.why.area_no_number":  {"只有区号 0%[1]s，没有号码", "area code 0%[1]s without a number"},
	"phone.why.landline_short":  {"%[1]s 位数字，作为带区号的座机号码太短", "%[1]s digits, too short for a landline with area code"},
	"phone.why.too_short":       {"%[1]s 位数字，作为电话号码太短", "%[1]s digits is too short for a phone number"},
}

// Where renders a row's provenance as an argument: file, sheet (empty for
// CSV) and 1-based row.
func Where(file, sheet, row string) string {
	if sheet == "" {
		return Nested("where.file", file, row)
	}
	return Nested("where.sheet", file, sheet, row)
}

// reasonIDs maps the English text of each reason without arguments
// (skip.*, reject.*, sheet.*, file.*) to its id.
var reasonIDs = sync.OnceValue(func() map[string]ID {
	out := map[string]ID{}
	for id, e := range catalogue {
		for _, p := range []string{"skip.", "reject.", "merged.", "sheet.", "file."} {
			if strings.HasPrefix(string(id), p) && !strings.Contains(e[1], "%") {
				out[e[1]] = id
			}
		}
	}
	return out
})

// reasonPrefixes are the reasons with an argument: the English text before
// it, and the id.
var reasonPrefixes = []struct {
	prefix string
	id     ID
}{
	{"footer or subtotal row: ", "skip.footer"},
	{"footer or note row: ", "skip.note"},
	{"same customer as ", "merged.same_customer"},
	{"identical to ", "merged.identical"},
	{"not read: reading stopped at row ", "reject.unread"},
}

// unreadRE read the three reasons of rows not read (reject.unread_*).
var unreadRE = []struct {
	id ID
	re *regexp.Regexp
}{
	{"reject.unread_rows", regexp.MustCompile(`^(\d+), so rows \d+-(\d+) were not read: (.*)$`)},
	{"reject.unread_last", regexp.MustCompile(`^(\d+), the last: (.*)$`)},
	{"reject.unread_below", regexp.MustCompile(`^(\d+), so it and any rows below it were not read: (.*)$`)},
}

// whereRE reads a provenance as the reasons write it: FILE, sheet "SHEET",
// row N, or FILE, row N. parseWhere reads it without the regular
// expression (a merged row's reason has one: a third of the rows);
// FuzzParseWhere holds the two equal.
var whereRE = regexp.MustCompile(`^(.*?), (?:sheet "((?:[^"\\]|\\.)*)", )?row (\d+)$`)

// parseWhere returns what whereRE.FindStringSubmatch returns for s: the
// whole, the file, the sheet as quoted and the row; nil if s is no
// provenance. As the expression does, it takes the shortest file that
// leaves a sheet and a row, or else a row.
func parseWhere(s string) []string {
	for p := 0; ; p++ {
		i := strings.Index(s[p:], ", ")
		if i < 0 {
			return nil
		}
		p += i
		if strings.IndexByte(s[:p], '\n') >= 0 { // "." does not match a newline
			return nil
		}
		rest := s[p+2:]
		if q, ok := strings.CutPrefix(rest, `sheet "`); ok {
			if end := quotedEnd(q); end >= 0 {
				if row, ok := strings.CutPrefix(q[end:], `", row `); ok && text.AllDigits(row) {
					return []string{s, s[:p], q[:end], row}
				}
			}
		}
		if row, ok := strings.CutPrefix(rest, "row "); ok && text.AllDigits(row) {
			return []string{s, s[:p], "", row}
		}
	}
}

// quotedEnd returns where the quoted text q ends: its first quote not
// escaped by a backslash, or -1. A backslash escapes any character but a
// newline.
func quotedEnd(q string) int {
	for i := 0; i < len(q); {
		switch q[i] {
		case '"':
			return i
		case '\\':
			if i+1 >= len(q) || q[i+1] == '\n' {
				return -1
			}
			_, n := utf8.DecodeRuneInString(q[i+1:])
			i += 1 + n
		default:
			_, n := utf8.DecodeRuneInString(q[i:])
			i += n
		}
	}
	return -1
}

// Reason returns the message of a lineage reason as the pipeline wrote it
// (record.Record.Reason is English, as stored in the state file): the
// reasons form a closed set, each built from its catalogue entry. A reason
// crmclean did not write comes back as itself (an empty ID, rendered
// unchanged). It runs once per row of lineage.csv: a map look-up or a
// prefix, a regular expression only for a merged row's provenance.
func Reason(reason string) Msg {
	if id, ok := reasonIDs()[reason]; ok {
		return New(id)
	}
	// A text that merely looks like a reason (a sheet name holding quotes
	// or separators) stays as it is: the message must give it back.
	if m := parseReason(reason); !m.IsZero() && rendersAs(m, reason) {
		return m
	}
	return Msg{Args: []string{reason}}
}

// rendersAs reports whether m in English is text, rendering it on the
// stack (Reason checks every merged row's reason of lineage.csv).
func rendersAs(m Msg, text string) bool {
	var buf [256]byte
	return string(m.AppendIn(buf[:0], "en")) == text
}

// parseReason reads a reason with arguments, or returns no message.
func parseReason(reason string) Msg {
	for _, r := range reasonPrefixes {
		arg, ok := strings.CutPrefix(reason, r.prefix)
		if !ok {
			continue
		}
		switch r.id {
		case "merged.same_customer":
			if w := parseWhere(arg); w != nil {
				return New(r.id, Where(w[1], unquote(w[2]), w[3]))
			}
		case "merged.identical":
			// identical to PROV, or identical to PROV, rejected with it: REASON
			where, first, rejected := strings.Cut(arg, ", rejected with it: ")
			w := parseWhere(where)
			if w == nil {
				break
			}
			if !rejected {
				return New(r.id, Where(w[1], unquote(w[2]), w[3]))
			}
			m := Reason(first)
			if m.IsZero() {
				return New("reject.identical", Where(w[1], unquote(w[2]), w[3]), first)
			}
			return New("reject.identical", Where(w[1], unquote(w[2]), w[3]), Nested(m.ID, m.Args...))
		case "reject.unread":
			for _, u := range unreadRE {
				if m := u.re.FindStringSubmatch(arg); m != nil {
					return New(u.id, m[1:]...)
				}
			}
		default:
			return New(r.id, arg)
		}
		break
	}
	return Msg{}
}

// unquote undoes the quoting of a sheet name in a provenance (%q).
func unquote(s string) string {
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}
