package name

import "github.com/crmclean/crmclean/pipeline/normalize/pinyin"

// SyllableSimilar compares two toneless pinyin syllables: exact when
// equal, fuzzy also across z/zh, c/ch, s/sh, n/l, an/ang, en/eng, in/ing
// and ü/u. It is pinyin.SyllableSimilar, here for callers of this package.
func SyllableSimilar(a, b string) (exact, fuzzy bool) { return pinyin.SyllableSimilar(a, b) }
