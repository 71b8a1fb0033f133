package source

import "testing"

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		name   string
		sample string
		atEOF  bool
		pref   byte
		want   byte
	}{
		{name: "Comma", sample: "a,b,c\n1,2,3\n", atEOF: true, pref: ',', want: ','},
		{name: "Tab", sample: "a\tb\tc\n1\t2\t3\n", atEOF: true, pref: ',', want: '\t'},
		{name: "Semicolon", sample: "a;b;c\n1;2;3\n", atEOF: true, pref: ',', want: ';'},
		{name: "Pipe", sample: "a|b|c\n1|2|3\n", atEOF: true, pref: ',', want: '|'},
		{name: "TabWithCommasInValues", sample: "姓名\t地址\n张三\t北京市,朝阳区,建国路\n李四\t上海市\n", atEOF: true, pref: ',', want: '\t'},
		{name: "CommaWithQuotedTabs", sample: "\"a\tb\",c\n\"d\te\",f\n", atEOF: true, pref: '\t', want: ','},
		{name: "QuotedCommasInSemicolonFile", sample: "a;b\n\"1,5\";\"2,5\"\n\"3,1,4\";x\n", atEOF: true, pref: ',', want: ';'},
		{name: "MultiLineQuotedField", sample: "a,b\n\"x\ny;z;w\",2\n3,4\n", atEOF: true, pref: ',', want: ','},
		{name: "SemicolonsInEveryRowMoreCommas", sample: "a,b,c,d\n1;2,3,4,5\n6;7,8,9,0\n", atEOF: true, pref: ',', want: ','},
		{name: "TitleLineAbove", sample: "客户名单\n\na|b|c\n1|2|3\n4|5|6\n", atEOF: true, pref: ',', want: '|'},
		{name: "MostConsistentWins", sample: "a,b;c\n1,2;3\n4;5\n6;7\n8;9\n", atEOF: true, pref: ',', want: ';'},
		{name: "SingleColumnKeepsPreferred", sample: "姓名\n张三\n", atEOF: true, pref: ',', want: ','},
		{name: "SingleColumnTSV", sample: "姓名\n张三\n", atEOF: true, pref: '\t', want: '\t'},
		{name: "TiePrefersPreferred", sample: "a,b\tc\n", atEOF: true, pref: '\t', want: '\t'},
		{name: "TieOrder", sample: "a;b|c\n", atEOF: true, pref: ',', want: ';'},
		{name: "Empty", sample: "", atEOF: true, pref: ',', want: ','},
		{
			// The last line of a sample that is not the whole file may be cut
			// short; it does not count.
			name: "CutLastLineIgnored", sample: "a;b;c\n1;2;3\n4;5,6,7,8,9,10,11", atEOF: false, pref: ',', want: ';',
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sniffDelimiter([]byte(tt.sample), tt.atEOF, tt.pref); got != tt.want {
				t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.sample, got, tt.want)
			}
		})
	}
}
