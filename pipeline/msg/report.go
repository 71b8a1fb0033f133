package msg

import (
	"fmt"
	"strings"
)

// page holds the report page's text: key → {Simplified Chinese, English}.
var page = map[string][2]string{
	"title":              {"客户数据质量报告", "Customer data quality report"},
	"generated":          {"运行时间", "Run started"},
	"duration":           {"耗时", "Duration"},
	"seconds":            {"%s 秒", "%s s"},
	"ready":              {"可以上线", "Ready to go live"},
	"not_ready":          {"需处理后上线", "Fix before going live"},
	"ready_detail":       {"没有待确认的疑似重复，没有被拒绝的行，所有文件均已读取。", "No pair awaits a decision, no row was rejected and every file was read."},
	"todo":               {"上线前请处理：", "Before going live:"},
	"r_review":           {"%s 对疑似重复客户待人工确认（见 review.csv）", "%s doubtful duplicate pairs to decide (see review.csv)"},
	"r_rejected":         {"%s 行数据被拒绝（见 rejects.csv）", "%s rows rejected (see rejects.csv)"},
	"r_files":            {"%s 个文件无法读取", "%s files could not be read"},
	"r_files_1":          {"%s 个文件无法读取", "%s file could not be read"},
	"r_sheets":           {"%s 个工作表未能完整读取", "%s sheets could not be read to the end"},
	"r_sheets_1":         {"%s 个工作表未能完整读取", "%s sheet could not be read to the end"},
	"r_rejected_1":       {"%s 行数据被拒绝（见 rejects.csv）", "%s row rejected (see rejects.csv)"},
	"r_review_1":         {"%s 对疑似重复客户待人工确认（见 review.csv）", "%s doubtful duplicate pair to decide (see review.csv)"},
	"r_none":             {"没有生成任何客户", "no customer was produced"},
	"k_customers":        {"输出客户", "Customers out"},
	"k_companies":        {"企业 %s · 个人 %s", "%s companies · %s persons"},
	"k_rows":             {"读取数据行", "Data rows read"},
	"k_files":            {"来自 %s 个文件、%s 个工作表", "from %s files, %s sheets"},
	"k_merged":           {"合并的重复行", "Rows merged"},
	"k_review":           {"待确认重复对", "Pairs to review"},
	"k_budget":           {"约 %s 分钟（每对 20 秒）", "about %s min at 20 s a pair"},
	"k_patterns":         {"%s 种证据模式，最大 5 种占 %s", "%s evidence patterns; the 5 largest hold %s"},
	"k_rejected":         {"拒绝的行", "Rows rejected"},
	"k_score":            {"数据质量分", "Data quality score"},
	"k_score_after":      {"清洗后 %s", "after cleaning %s"},
	"k_skipped":          {"另有 %s 行非数据行被跳过", "plus %s non-data rows skipped"},
	"also_mixed":         {"%s 个客户由写着不同名称的行合并而成（家庭成员？同一集团的不同公司？）", "%s customers were merged from rows naming different persons or companies (household members? companies of one group?)"},
	"s_check":            {"请核对这些结果", "Check these"},
	"check_note":         {"以下结果不影响上线，但值得人工看一眼。用右列的命令查看合并依据（在运行 crmclean 的文件夹中执行；若用了 --out，请加上同样的 --out）。", "Nothing here blocks going live, but each is worth a look. The command on the right shows why rows were merged (run it where you ran crmclean, with the same --out if you gave one)."},
	"check_mixed":        {"由不同名称的行合并的客户（共 %s 个）", "Customers merged from rows with different names (%s)"},
	"check_numbers":      {"多个客户共有、但不是其本人的号码", "Numbers on several customers that are none of theirs"},
	"check_largest":      {"行数最多的客户", "Largest customers"},
	"c_customer":         {"客户编号", "Customer"},
	"c_explain":          {"查看原因", "Why"},
	"k_repairs":          {"其中 crmclean 修复了 %s 处：", "crmclean repaired %s values:"},
	"k_repairs_1":        {"其中 crmclean 修复了 %s 处：", "crmclean repaired %s value:"},
	"also_rows_to_fix_1": {"%s 行数据有需人工处理的问题（见 issues.xlsx，按负责人分表）", "%s row has a problem for a person to fix (see issues.xlsx, one sheet per owner)"},
	"also_mixed_1":       {"%s 个客户由写着不同名称的行合并而成（家庭成员？同一集团的不同公司？）", "%s customer was merged from rows naming different persons or companies (household members? companies of one group?)"},
	"also_numbers_1":     {"%s 个号码不是其客户本人的，却出现在多个客户上（销售代表号码、随意填写的号码）", "%s number carried by several customers is none of theirs (a sales rep's number, a filler)"},
	"also_check":         {"另请核对（不影响上线）：", "Also check (not blocking):"},
	"also_rows_to_fix":   {"%s 行数据有需人工处理的问题（见 issues.xlsx，按负责人分表）", "%s rows have a problem for a person to fix (see issues.xlsx, one sheet per owner)"},
	"also_numbers":       {"%s 个号码不是其客户本人的，却出现在多个客户上（销售代表号码、随意填写的号码）", "%s numbers carried by several customers are none of theirs (a sales rep's number, a filler)"},

	"s_quality":     {"各文件数据质量分", "Data quality score per file"},
	"s_fields":      {"各字段：清洗前后对比", "Fields before vs after"},
	"s_field_table": {"各字段填充率与有效率", "Completeness and validity per field"},
	"s_issues":      {"问题类型", "Issues by type"},
	"s_dups":        {"重复客户", "Duplicates"},
	"s_review":      {"待确认的疑似重复（按得分排序）", "Pairs to review (highest score first)"},
	"s_rejected":    {"拒绝的行（按原因）", "Rejected rows by reason"},
	"s_skipped":     {"跳过的非数据行", "Skipped non-data rows"},
	"s_address":     {"地址解析率", "Address resolution"},
	"s_phones":      {"电话类型", "Phone mix"},
	"s_files":       {"读取的文件", "Files read"},
	"s_unreadable":  {"未读取的文件和工作表", "Files and sheets not read"},
	"s_settings":    {"运行设置", "Run settings"},

	"formula": {"质量分 = 100 ×（0.35·名称 + 0.35·电话 + 0.20·地址 + 0.10·邮箱），每个字段项为该字段有有效值的数据行（清洗前）或客户（清洗后）所占比例：名称为可用的名称；电话为至少一个有效号码；邮箱为至少一个有效地址；地址为省、市、区三级中解析出的比例（0、1/3、2/3 或 1）。空值算作无效，因此质量分同时反映完整性和有效性；两者分别见字段表。清洗前只计原样有效的值：crmclean 修复过的值（“同上”替换、推断的区号或省市、更正的邮箱域名或地名）在清洗前不算有效，修复数量见质量分卡片。",
		"score = 100 × (0.35·name + 0.35·phone + 0.20·address + 0.10·email), where each field term is the share of data rows (before) or customers (after) holding a valid value in the field: name: a usable name; phone: at least one valid number; e-mail: at least one valid address; address: the share of province, city and district resolved (0, 1/3, 2/3 or 1). An empty field counts as not valid, so the score measures completeness and validity together; the fields table shows them apart. Before counts only values valid as written: a value crmclean repaired (a ditto mark replaced, an area code or a province and city inferred, an e-mail domain or a place name corrected) is not valid before; the score card counts the repairs."},
	"fields_def": {"清洗前 = 数据行中该字段单元格非空（填充）及能解析为有效值（有效）的比例；清洗后 = 输出客户中该字段已填写的比例（输出值都是规范化后的有效值）。数据行 = 表头以下除空行、标题、合计等之外的所有行，包括被拒绝的行。地址“有效”指解析到区县。清洗前的“有效”只计原样有效的值，不含 crmclean 修复的值。",
		"Before = share of data rows where a cell mapped to the field is non-empty (filled) and parsed as a valid value (valid); after = share of customers with the field filled (output values are normalized, hence valid). Data rows are all rows below the header except blank, title, footer and repeated header rows, rejected rows included. An address is valid when resolved down to the district. Valid before counts only values valid as written, not those crmclean repaired."},
	"score_def": {"评分方法", "How the score is computed"},

	"c_file":            {"文件", "File"},
	"c_sheet":           {"工作表", "Sheet"},
	"c_rows":            {"行数", "Rows"},
	"c_data_rows":       {"数据行", "Data rows"},
	"c_score":           {"质量分", "Score"},
	"c_field":           {"字段", "Field"},
	"c_filled_b":        {"清洗前填充", "Filled before"},
	"c_valid_b":         {"清洗前有效", "Valid before"},
	"c_after":           {"清洗后", "After"},
	"c_rule":            {"问题", "Issue"},
	"c_severity":        {"级别", "Severity"},
	"c_count":           {"次数", "Count"},
	"c_affected":        {"涉及行", "Rows"},
	"c_where":           {"位置", "Where"},
	"c_column":          {"列", "Column"},
	"c_value":           {"原值", "Original value"},
	"c_fix":             {"修正为", "Fixed to"},
	"c_message":         {"说明", "Message"},
	"c_reason":          {"原因", "Reason"},
	"c_examples":        {"示例", "Examples"},
	"c_pair_score":      {"得分", "Score"},
	"c_side_a":          {"记录 A", "Record A"},
	"c_side_b":          {"记录 B", "Record B"},
	"c_evidence":        {"依据", "Evidence"},
	"c_outcome":         {"比较结果", "Outcome"},
	"c_pairs":           {"对数", "Pairs"},
	"c_weight":          {"平均权重", "Mean weight"},
	"c_level":           {"级别", "Level"},
	"c_resolved":        {"有地址的行中解析成功", "Resolved (rows with an address)"},
	"c_before":          {"清洗前（全部数据行）", "Before (all data rows)"},
	"c_after_cust":      {"清洗后（客户）", "After (customers)"},
	"c_format":          {"格式", "Format"},
	"c_kept":            {"保留", "Kept"},
	"c_merged":          {"合并", "Merged"},
	"c_rejected":        {"拒绝", "Rejected"},
	"c_path":            {"路径", "Path"},
	"c_kind":            {"类型", "Kind"},
	"c_setting":         {"设置", "Setting"},
	"c_setting_val":     {"值", "Value"},
	"c_size":            {"每个客户的行数", "Rows per customer"},
	"c_customers":       {"客户数", "Customers"},
	"c_phone_type":      {"类型", "Type"},
	"c_numbers":         {"号码数", "Numbers"},
	"legend_before":     {"清洗前有效", "valid before"},
	"legend_after":      {"清洗后", "after"},
	"dups_summary":      {"候选对 %s，自动合并 %s 对，待确认 %s 对，因证据不足转为待确认 %s 对。", "%s candidate pairs, %s merged automatically, %s to review, %s held back to review for lack of structural evidence."},
	"dups_nomatch":      {"本次运行未进行重复检测。", "Duplicate detection did not run."},
	"budget_title":      {"最大的证据模式（在 review.xlsx 第一个工作表中可按模式整体决定）", "Largest evidence patterns (review.xlsx's first sheet decides a whole pattern at once)"},
	"c_pattern":         {"证据模式", "Evidence pattern"},
	"c_merge":           {"决定合并", "Decided merge"},
	"c_keep":            {"决定不合并", "Decided keep"},
	"c_learned":         {"本次运行", "This run"},
	"learned_title":     {"人工决定学到的证据模式（规则 match.learn_pattern）", "Evidence patterns learned from decisions (rules match.learn_pattern)"},
	"learned_merge":     {"自动合并：本次决定 %s 对记录", "merged by the run itself: %s pairs of rows this run"},
	"learned_keep":      {"不再询问，不合并：本次决定 %s 对记录", "not asked again, not linked: %s pairs of rows this run"},
	"learned_forgotten": {"已忘记（decide forget-pattern），不再自动应用", "forgotten (decide forget-pattern): not applied by itself"},
	"learned_not_yet":   {"决定数尚不足或不一致，仍逐对确认", "not enough decisions, or not all one way: still asked pair by pair"},
	"review_more":       {"仅列出得分最高的 %s 对，共 %s 对，全部见 review.csv。", "Only the %s highest-scoring of %s pairs are listed; review.csv has them all."},
	"conflicts_title":   {"合并时取值冲突的字段", "Fields whose merged rows disagreed"},
	"conflicts_note":    {"同一客户的多行在这些字段上取值不同；黄金记录按规则文件的 survivorship 策略取一个值，其余值保留在原始行中（见 lineage.csv 与 explain）。", "Rows of one customer held different values for these fields; the golden record took one by the rules' survivorship strategy, the others stay in the source rows (see lineage.csv and explain)."},
	"s_numbers":         {"多个客户共用的号码", "Numbers carried by several customers"},
	"numbers_summary":   {"%s 个号码不是其客户本人的（销售代表本人号码、随意填写的号码或规则中列出的样例号码）：不作为客户手机，列在 shared_phones 列；另有 %s 个号码确为多个客户共用（家庭、代理人），保留为各自号码，但不作为不同名称属同一客户的证据。", "%s numbers are none of their customers' own (a sales rep's number, a filler, a sample number from the rules): never a customer's mobile, listed in the shared_phones column; %s more are really shared (a household, an agent): kept as each customer's, but no evidence that different names are one customer."},
	"c_number":          {"号码", "Number"},
	"c_judged":          {"判断", "Judged"},
	"c_names":           {"名称示例", "Names"},
	"c_owner":           {"负责人", "Owner"},
	"numbers_more":      {"仅列出前 %s 个，共 %s 个。", "The first %s of %s are listed."},
	"capped":            {"%s 个分组键因行数过多（超过上限）未做两两比较：", "%s blocking keys were shared by too many rows to compare pairwise:"},
	"evidence_title":    {"合并依据（自动合并的记录对中出现最多的证据）", "Merge evidence (most frequent among automatically merged pairs)"},
	"n_rows":            {"%s 行", "%s rows"},
	"show_examples":     {"查看示例（%d）", "Show examples (%d)"},
	"none":              {"无", "None"},
	"fix_list": {"每个问题一行的修正清单（共 %s 行）见 issues.csv 与 issues.xlsx：按负责人分表（表中没有负责人时按文件分表），可分别发给各负责人。清单含原始值，属于个人信息，请像 clean.csv 一样妥善保管。",
		"The fix list, one row per problem (%s rows), is in issues.csv and issues.xlsx: one sheet per owner (per file when the sheets name no owner), to send each owner his own rows. It holds the original values: personal data, to handle like clean.csv."},
	"masked_note":    {"电话、邮箱和个人姓名已部分隐藏；使用 --no-mask 显示完整值。敏感列从不显示。", "Phones, e-mails and person names are masked; run with --no-mask to show them. Sensitive columns are never shown."},
	"unmasked_note":  {"本报告未隐藏电话、邮箱和姓名（--no-mask），请注意保密。敏感列从不显示。", "This report shows phones, e-mails and names unmasked (--no-mask): handle it as confidential. Sensitive columns are never shown."},
	"invalid":        {"无效", "invalid"},
	"customers_mob":  {"有手机号的数据行：%s；有手机号的客户：%s", "Data rows with a mobile: %s; customers with a mobile: %s"},
	"rows_with_addr": {"有地址的数据行：%s", "Data rows with an address: %s"},
	"row_n":          {"第 %s 行", "row %s"},
	"no_issues":      {"没有发现问题。", "No issues found."},
	"all_read":       {"所有文件均已读取。", "Every file was read."},
	"header_missing": {"未找到表头", "no header found"},
	"rules_default":  {"（内置默认规则）", "(built-in defaults)"},
	"yes":            {"是", "yes"},
	"no":             {"否", "no"},
	"footer":         {"由 crmclean %s 生成。本文件不引用任何外部资源，可离线打开。", "Generated by crmclean %s. This file loads nothing from anywhere and opens offline."},
}

// labels name fields, severities, phone types, outcomes and settings.
var labels = map[string][2]string{
	// fields
	"name": {"客户名称", "Name"}, "contact": {"联系人", "Contact"}, "phone": {"电话", "Phone"},
	"mobile": {"手机", "Mobile"}, "landline": {"座机", "Landline"}, "email": {"邮箱", "E-mail"},
	"address": {"地址", "Address"}, "uscc": {"统一社会信用代码", "USCC"}, "created_at": {"创建日期", "Created"},
	"branch": {"分支机构", "Branch"}, "province": {"省", "Province"}, "city": {"市", "City"},
	"district": {"区县", "District"}, "adcode": {"行政区划代码", "Adcode"},
	"owner": {"负责人", "Owner"}, "owner_phone": {"负责人电话", "Owner's phone"}, "title": {"职务", "Title"},
	"notes": {"备注", "Notes"}, "gender": {"性别", "Gender"}, "source_id": {"原系统编号", "Source id"},
	"seq": {"序号", "No."}, "reach": {"联系方式", "Way to reach"}, "sensitive": {"敏感列", "Sensitive column"},
	// severities
	"error": {"错误", "error"}, "warning": {"警告", "warning"}, "info": {"已自动修正", "fixed"},
	// phone types
	"service": {"400/800/95 服务号", "400/800/95 service"}, "other": {"其他", "other"},
	// evidence outcomes
	"agree": {"一致", "agree"}, "near": {"相近", "near"}, "fuzzy": {"模糊一致", "fuzzy"},
	"disagree": {"不一致", "disagree"}, "missing": {"缺失", "missing"},
	// unreadable kinds
	"file": {"文件", "file"}, "sheet": {"工作表（中断）", "sheet (broke off)"},
	"sheet_skipped": {"工作表（跳过）", "sheet (skipped)"}, "ignored": {"忽略", "ignored"},
	// settings
	"version": {"版本", "Version"}, "rules_file": {"规则文件", "Rules file"}, "rules_hash": {"规则哈希", "Rules hash"},
	"merge_threshold": {"合并阈值", "Merge threshold"}, "review_threshold": {"待确认阈值", "Review threshold"},
	"max_block": {"分组上限", "Max block size"}, "phone_region": {"电话地区", "Phone region"},
	"time_zone": {"时区", "Time zone"}, "keep_sensitive": {"保留敏感列", "Keep sensitive columns"},
	"masked": {"隐藏个人信息", "Masked"},
	// judged numbers
	"not_own": {"非本人号码", "not their own"}, "shared": {"共用号码", "shared"},
	"listed": {"规则列出的样例号码", "sample number in the rules"}, "rep": {"销售代表本人号码", "a sales rep's own"},
	"filler": {"随意填写的号码", "filler"}, "household": {"家庭共用", "household"},
	"agent": {"代理人的号码", "an agent's"}, "customers": {"两个客户共用", "two customers"},
}

// ruleLabels describe an issue rule or a rejection reason in a few words.
var ruleLabels = map[string][2]string{
	"row.ragged":               {"行的单元格数与表头不符", "row length differs from the header"},
	"cell.lossy_number":        {"长数字被 Excel 截断", "long number truncated by Excel"},
	"cell.ditto":               {"“同上”已替换为上一行的值", "ditto mark replaced by the row above"},
	"cell.ditto_unresolved":    {"“同上”没有可引用的上一行", "ditto mark with nothing above"},
	"uscc.invalid":             {"统一社会信用代码无效", "invalid unified social credit code"},
	"date.invalid":             {"无法识别的日期", "unreadable date"},
	"email.invalid":            {"邮箱地址无效", "invalid e-mail address"},
	"email.domain_fixed":       {"邮箱域名拼写已修正", "e-mail domain typo fixed"},
	"address.ambiguous":        {"地址有歧义，未能确定区县", "ambiguous address"},
	"address.typo_fixed":       {"地名错别字已修正", "place-name typo fixed"},
	"address.inferred":         {"由区县补全省市", "province and city inferred from the district"},
	"address.conflict":         {"地址中的省市区互相矛盾", "address parts contradict each other"},
	"address.renamed":          {"旧地名已更新为现名", "former place name updated"},
	"phone.invalid":            {"电话号码无效", "invalid phone number"},
	"phone.not_mobile":         {"不是手机号", "not a mobile number"},
	"phone.no_area_code":       {"座机缺少区号", "landline without area code"},
	"phone.area_code_inferred": {"座机区号由地址推断", "area code inferred from the address"},
	"phone.area_code_mismatch": {"座机区号与地址城市不符", "area code does not match the city"},
	"phone.mobile_extension":   {"手机号带分机号", "mobile with an extension"},
	"phone.trunk_zero_added":   {"区号补上了开头的 0", "trunk 0 added to the area code"},
	"phone.trunk_zero_removed": {"去掉了多余的 0", "superfluous trunk 0 removed"},
	"phone.excel_number":       {"电话被 Excel 存为科学计数法", "phone stored by Excel in scientific notation"},
	"phone.no_number":          {"电话列中没有号码", "phone cell holds no number"},
	"phone.landline_length":    {"座机号码位数不对", "landline of the wrong length"},
	"skip.header":              {"表头行", "header row"},
	"skip.blank":               {"空行", "blank row"},
	"skip.blank_rows":          {"连续空行", "blank rows"},
	"skip.title":               {"表头上方的标题行", "title row above the header"},
	"reject.no_header":         {"工作表中未找到表头，无法识别各列", "no header row in the sheet: columns cannot be mapped"},
	"required.name":            {"缺少客户名称", "no customer name"},
	"required.reach":           {"没有任何联系方式", "no way to reach the customer"},
}

// T returns the page text of key in lang, the key itself when unknown.
func T(lang, key string) string {
	m, ok := page[key]
	if !ok {
		return key
	}
	return m[index(lang)]
}

// Tf formats the page text of key with args.
func Tf(lang, key string, args ...any) string {
	return fmt.Sprintf(T(lang, key), args...)
}

// Label names a field, severity, phone type or outcome in lang.
func Label(lang, key string) string {
	if m, ok := labels[key]; ok {
		return m[index(lang)]
	}
	return key
}

// RuleLabel describes an issue rule (or a rejection reason) in lang.
func RuleLabel(lang, rule string) string {
	i := index(lang)
	if m, ok := ruleLabels[rule]; ok {
		return m[i]
	}
	if m, ok := ruleLabels[string(Reason(rule).ID)]; ok {
		return m[i]
	}
	if f, ok := strings.CutPrefix(rule, "required."); ok {
		return [2]string{"必填字段为空：", "required field empty: "}[i] + Label(lang, f)
	}
	if f, ok := strings.CutPrefix(rule, "allowed."); ok {
		return [2]string{"不在允许值之内：", "value not allowed: "}[i] + Label(lang, f)
	}
	return rule
}

// index is the position of lang's text in an entry: 0 for Simplified
// Chinese (the default), 1 for English.
func index(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}
