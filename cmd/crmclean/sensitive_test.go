package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// residentID completes 17 digits with the GB 11643 check character.
func residentID(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return first17 + string("10X98765432"[sum%11])
}

// bankCard completes digits with the Luhn check digit.
func bankCard(digits string) string {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 0 { // doubled: the check digit will stand to their right
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + string(rune('0'+(10-sum%10)%10))
}

// TestSensitiveValuesReachNoFile runs crmclean with a state file and
// --no-mask on sheets holding identity and bank numbers under every kind
// of header, under headers that say nothing, and inside notes and a USCC
// column, with a rejected row among them; then greps every output file,
// the state file and its journal for each number.
func TestSensitiveValuesReachNoFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "sheets")
	if err := os.MkdirAll(in, 0o700); err != nil {
		t.Fatal(err)
	}
	var secrets []string
	secret := func(s string) string {
		secrets = append(secrets, s)
		return s
	}
	id := func(i int) string {
		return secret(residentID(fmt.Sprintf("4403081985%02d%02d%03d", 1+i%12, 1+i%28, 100+i)))
	}
	card := func(i int) string { return secret(bankCard(fmt.Sprintf("622202%012d", 100000+i*7919))) }
	account := func(i int) string { return secret(fmt.Sprintf("3301%010d", 4000000+i*31)) } // a corporate account: no check digit

	headers := []string{"客户名称", "联系人", "手机", "身份證號", "公民身份号码", "ID No.", "银行帐号", "收款账号", "对公账户",
		"Bank Account No", "统一社会信用代码", "备注", "附加信息", "其他"}
	var b strings.Builder
	b.WriteString(strings.Join(headers, ",") + "\n")
	for i := range 6 {
		name := fmt.Sprintf("深圳市华信%d科技有限公司", i)
		contact := "张伟"
		if i == 5 { // rejected: no name, no contact; its values stay in rejects.csv
			name, contact = "", ""
		}
		uscc := id(50 + i) // an identity number where a USCC belongs
		if i%2 == 0 {
			uscc = "91440300MA5DA1B67X"
		}
		cells := []string{name, contact, fmt.Sprintf("1380013800%d", i), id(i), id(10 + i), id(20 + i), card(i), card(10 + i),
			account(i), account(10 + i), uscc, "法人证件" + id(30+i) + "已核实", id(40 + i), card(20 + i)}
		b.WriteString(strings.Join(cells, ",") + "\n")
	}
	if err := os.WriteFile(filepath.Join(in, "开票信息.csv"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	// A membership list whose card numbers are bank cards: mapped to
	// source_id, so kept (and shown by inspect), while its ID column goes.
	wb := excelize.NewFile()
	rows := [][]any{{"会员卡号", "姓名", "手机", "身份證號", "银行帐户"}}
	var memberCards []string
	for i := range 5 {
		mc := bankCard(fmt.Sprintf("621483%012d", 500000+i*104729))
		memberCards = append(memberCards, mc)
		rows = append(rows, []any{mc, fmt.Sprintf("李娜%d", i), fmt.Sprintf("1390013900%d", i), id(60 + i), card(30 + i)})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.SaveAs(filepath.Join(in, "会员.xlsx")); err != nil {
		t.Fatal(err)
	}

	out, statePath := filepath.Join(dir, "out"), filepath.Join(dir, "state.db")
	code, _, stderr := runCLI(t, "run", "--quiet", "--no-mask", "--format", "cn-crm", "--state", statePath, "--out", out, in)
	if code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	files := []string{statePath, statePath + "-wal", statePath + "-shm"}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var clean, rejects []byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".xlsx") {
			data = append(data, xlsxText(t, f)...)
		}
		switch filepath.Base(f) {
		case "clean.csv":
			clean = data
		case "rejects.csv":
			rejects = data
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds the sensitive value %s", filepath.Base(f), s)
			}
		}
	}
	// The run did its work: customers, the rejected row, the member cards.
	if !bytes.Contains(clean, []byte("深圳市华信0科技有限公司")) || !bytes.Contains(clean, []byte(memberCards[0])) {
		t.Errorf("clean.csv lacks the customers or the member cards:\n%s", clean)
	}
	if !bytes.Contains(rejects, []byte("13800138005")) {
		t.Errorf("rejects.csv lacks the rejected row's other values:\n%s", rejects)
	}

	code, stdout, stderr := runCLI(t, "inspect", in)
	if code != exitOK {
		t.Fatalf("inspect: exit %d\n%s", code, stderr)
	}
	for _, want := range [][]string{
		{`M  "附加信息"`, "→ (dropped: sensitive)", "sensitive content: 100% of 6 values are resident identity card numbers"},
		{`N  "其他"`, "→ (dropped: sensitive)", "sensitive content: 100% of 6 values are bank card numbers"},
		{`warning: column A "会员卡号": 100% of 5 values are bank card numbers: personal data, kept because the column is mapped to source_id`},
	} {
		if !slices.ContainsFunc(strings.Split(stdout, "\n"), func(line string) bool {
			return !slices.ContainsFunc(want, func(w string) bool { return !strings.Contains(line, w) })
		}) {
			t.Errorf("inspect has no line saying %q:\n%s", want, stdout)
		}
	}
	for _, s := range secrets {
		if strings.Contains(stdout+stderr, s) {
			t.Errorf("inspect shows the sensitive value %s", s)
		}
	}
}
