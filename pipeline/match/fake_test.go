package match

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/crmclean/crmclean/pipeline/normalize/pinyin"
	"github.com/crmclean/crmclean/pipeline/record"
)

// fakeNamer reads names with go-pinyin's readings and a small surname
// table that puts the surname reading first, as name.Namer does.
type fakeNamer struct{}

var fakeSurnames = map[rune][]string{
	'单': {"shan", "dan"},
	'曾': {"zeng", "ceng"},
	'解': {"xie", "jie"},
	'区': {"ou", "qu"},
	'查': {"zha", "cha"},
	'仇': {"qiu", "chou"},
}

var fakePlaces = map[string][][]string{
	"重庆": {{"chong", "zhong"}, {"qing"}},
}

func (fakeNamer) Readings(name string, kind record.Kind) [][]string {
	var out [][]string
	rs := []rune(name)
	for i := 0; i < len(rs); i++ {
		if i+1 < len(rs) {
			if p, ok := fakePlaces[string(rs[i:i+2])]; ok {
				out = append(out, p...)
				i++
				continue
			}
		}
		if i == 0 && kind == record.Person {
			if s, ok := fakeSurnames[rs[i]]; ok {
				out = append(out, s)
				continue
			}
		}
		if r := pinyin.Of(rs[i]); len(r) > 0 {
			out = append(out, r)
		} else {
			out = append(out, []string{strings.ToLower(string(rs[i]))})
		}
	}
	return out
}

func (fakeNamer) Romanized(name string) ([]string, bool) {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(name)) {
		s, ok := pinyin.Split(w)
		if !ok {
			return nil, false
		}
		out = append(out, s...)
	}
	return out, len(out) > 0
}

// spec describes a test record briefly.
type spec struct {
	kind                       record.Kind
	name, key, contact         string
	mobile, line, email        string
	province, city, district   string
	adcode, address, uscc, tag string
	owner                      string // the owner column (a sales rep)
	short                      string // mobiles written a digit short, space-separated
	ownerPhones                string // numbers of owner phone columns, space-separated
}

func (s spec) record() *record.Record {
	n := record.Normalized{Kind: s.kind, Name: s.name, NameKey: s.key, Contact: s.contact,
		Province: s.province, City: s.city, District: s.district, Adcode: s.adcode, Address: s.address, USCC: s.uscc,
		Owner: s.owner}
	n.SetShortMobiles(strings.Fields(s.short))
	n.SetOwnerPhones(strings.Fields(s.ownerPhones))
	if n.Kind == "" {
		n.Kind = record.Person
	}
	for _, m := range strings.Fields(s.mobile) {
		n.Phones = append(n.Phones, record.Phone{E164: m, Type: record.Mobile})
	}
	for _, l := range strings.Fields(s.line) {
		t := record.Landline
		if strings.HasPrefix(l, "+86400") {
			t = record.Service
		}
		n.Phones = append(n.Phones, record.Phone{E164: l, Type: t})
	}
	if s.email != "" {
		n.Emails = strings.Fields(s.email)
	}
	fp := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s", s.tag, s.name, s.contact, s.mobile, s.line, s.email, s.address, s.short)
	return &record.Record{Fingerprint: fp, Norm: n}
}

// Places used by tests.
var places = []struct{ province, city, district, adcode string }{
	{"北京市", "北京市", "朝阳区", "110105"},
	{"上海市", "上海市", "浦东新区", "310115"},
	{"广东省", "广州市", "天河区", "440106"},
	{"广东省", "深圳市", "南山区", "440305"},
	{"浙江省", "杭州市", "西湖区", "330106"},
	{"江苏省", "南京市", "鼓楼区", "320106"},
	{"四川省", "成都市", "武侯区", "510107"},
	{"湖北省", "武汉市", "洪山区", "420111"},
}

func (s spec) at(i int) spec {
	p := places[i]
	s.province, s.city, s.district, s.adcode = p.province, p.city, p.district, p.adcode
	return s
}

var (
	surnames   = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹")
	givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉玉兰志红春晓燕雪梅琳海波宇浩然子涵欣怡梓萱思雨佳琪一诺博文俊杰天佑嘉怡泽宇晨阳鹏飞云龙德林振兴金凤丹彤颖慧巧玲淑珍海燕立新永胜")
	homophone  = map[rune]rune{'伟': '玮', '明': '铭', '静': '靖', '丽': '莉', '杰': '洁', '涛': '韬', '芳': '方', '敏': '民', '军': '君', '华': '桦'}
	tradeChars = []rune("华信新兴盛鑫达恒源通宏泰德利安康永顺天瑞明辉锦")
	industries = []string{"科技", "贸易", "建材", "物流", "电子", "食品", "机械", "医疗器械"}
	roads      = []string{"中山路", "人民大道", "解放路", "建设路", "和平街", "长江路", "黄河路", "文化路"}
)

// entity is a synthetic customer that the generator writes 1–3 times.
type entity struct {
	company bool
	name    string // person name, or company trade+industry key
	contact string
	mobile  string
	line    string
	email   string
	place   int
	address string
	uscc    string
	branch  string // e.g. "上海分公司": a branch is a customer of its own
}

// synth generates n records of synthetic customers with realistic
// duplicates (typos, homophones, romanized names, missing fields), common
// names shared by different people, and families sharing a landline. It
// returns the records and each record's true entity.
func synth(n int, seed uint64) ([]*record.Record, []int) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(rs []rune) string { return string(rs[r.IntN(len(rs))]) }
	personName := func() string {
		s := pick(surnames) + pick(givenChars)
		if r.IntN(10) < 6 {
			s += pick(givenChars)
		}
		return s
	}
	mobile := func() string { return fmt.Sprintf("+861%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000)) }
	var recs []*record.Record
	var truth []int
	var ents []entity
	for len(recs) < n {
		e := entity{place: r.IntN(len(places)), company: r.IntN(3) == 0}
		e.address = fmt.Sprintf("%s%d号%d栋%d室", roads[r.IntN(len(roads))], 1+r.IntN(300), 1+r.IntN(30), 101+r.IntN(2000))
		e.mobile = mobile()
		if e.company {
			e.name = pick(tradeChars) + pick(tradeChars)
			if r.IntN(10) < 7 {
				e.name += pick(tradeChars)
			}
			e.name += industries[r.IntN(len(industries))]
			e.contact = personName()
			e.line = fmt.Sprintf("+86%d%08d", 20+r.IntN(8), r.IntN(100_000_000))
			if r.IntN(2) == 0 {
				e.uscc = fmt.Sprintf("91%016d", r.Int64N(1e16))
			}
			if r.IntN(3) == 0 {
				e.email = fmt.Sprintf("sales%d@%s.com", r.IntN(100), e.mobile[8:])
			}
		} else {
			e.name = personName()
			if r.IntN(3) == 0 {
				e.email = fmt.Sprintf("%s@qq.com", e.mobile[4:])
			}
			if r.IntN(8) == 0 && len(ents) > 0 { // family: shares the landline and address of a recent person
				for k := len(ents) - 1; k >= max(0, len(ents)-5); k-- {
					if !ents[k].company && ents[k].line != "" {
						e.line, e.address, e.place = ents[k].line, ents[k].address, ents[k].place
						break
					}
				}
			} else if r.IntN(4) == 0 {
				e.line = fmt.Sprintf("+86%d%08d", 20+r.IntN(8), r.IntN(100_000_000))
			}
		}
		if e.company && r.IntN(10) == 0 { // a branch of the previous company: same trade name and switchboard
			for k := len(ents) - 1; k >= max(0, len(ents)-5); k-- {
				if p := ents[k]; p.company && p.branch == "" {
					e.name, e.line = p.name, p.line
					if p.email != "" {
						e.email = "branch@" + p.email[strings.IndexByte(p.email, '@')+1:]
					}
					e.branch = strings.TrimSuffix(places[e.place].city, "市") + "分公司"
					if e.place == p.place {
						e.branch = "第二分公司"
					}
					break
				}
			}
		}
		id := len(ents)
		ents = append(ents, e)
		copies := 1 + r.IntN(3)
		for c := 0; c < copies && len(recs) < n; c++ {
			recs = append(recs, variant(r, e, c, id))
			truth = append(truth, id)
		}
	}
	return recs, truth
}

// variant writes one copy of e, the first one clean, later ones with the
// damage departments do to a customer's data.
func variant(r *rand.Rand, e entity, copyNo, id int) *record.Record {
	s := spec{name: e.name, contact: e.contact, mobile: e.mobile, line: e.line, email: e.email,
		address: e.address, uscc: e.uscc, tag: fmt.Sprintf("e%d-%d", id, copyNo)}.at(e.place)
	if e.company {
		s.kind, s.key = record.Company, e.name+e.branch
		s.name = strings.TrimSuffix(places[e.place].city, "市") + e.name + "有限公司" + e.branch
	}
	if copyNo == 0 {
		return s.record()
	}
	keep := func(p int) bool { return r.IntN(100) >= p }
	if !keep(25) {
		s.mobile = ""
	}
	if !keep(40) {
		s.line = ""
	}
	if !keep(50) {
		s.email = ""
	}
	if !keep(30) {
		s.address = ""
	}
	if !keep(30) {
		s.uscc = ""
	}
	if !keep(20) {
		s.province, s.city, s.district, s.adcode = "", "", "", ""
	}
	if s.mobile == "" && s.email == "" && s.uscc == "" { // keep the copy findable sometimes
		if keep(50) {
			s.mobile = e.mobile
		}
	}
	rs := []rune(s.key)
	if !e.company {
		rs = []rune(s.name)
	}
	switch x := r.IntN(100); {
	case x < 12: // input-method homophone
		for i := 1; i < len(rs); i++ {
			if h, ok := homophone[rs[i]]; ok {
				rs[i] = h
				break
			}
		}
	case x < 16 && !e.company: // romanized, Western order
		units := fakeNamer{}.Readings(s.name, record.Person)
		var parts []string
		for _, u := range units[1:] {
			parts = append(parts, u[0])
		}
		given := strings.Join(parts, "")
		s.name = strings.ToUpper(given[:1]) + given[1:] + " " + strings.ToUpper(units[0][0])
		return s.record()
	}
	if e.company {
		trade := string(rs[:len([]rune(e.name))])
		s.key = trade + e.branch
		s.name = strings.Replace(s.name, e.name, trade, 1)
	} else {
		s.name = string(rs)
	}
	return s.record()
}
