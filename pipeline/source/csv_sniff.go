package source

import "bytes"

// csvDelimiters are the delimiters the sniffer considers, in order of
// preference when two fit equally well.
var csvDelimiters = []byte{',', '\t', ';', '|'}

// sniffRecords is how many records of the sample the sniffer reads.
const sniffRecords = 100

// sniffDelimiter picks the delimiter of a CSV text from sample, its first
// bytes in UTF-8 (all of it when atEOF). For each candidate it splits the
// sample into records, respecting quotes, and finds the most common field
// count among the non-blank ones; the candidate whose common count is above
// one and shared by the most records wins, then the one giving more fields,
// then pref, then the order of csvDelimiters. When no candidate splits any
// line, the result is pref.
func sniffDelimiter(sample []byte, atEOF bool, pref byte) byte {
	best, bestScore, bestFields := pref, 0, 0
	order := append([]byte{pref}, csvDelimiters...)
	for _, d := range order {
		score, fields := delimiterFit(sample, atEOF, d)
		if fields <= 1 {
			continue
		}
		if score > bestScore || score == bestScore && fields > bestFields {
			best, bestScore, bestFields = d, score, fields
		}
	}
	return best
}

// delimiterFit splits sample with delim and returns the most common field
// count among non-blank records (fields) and how many records have it (score).
func delimiterFit(sample []byte, atEOF bool, delim byte) (score, fields int) {
	recs := newCSVRecords(bytes.NewReader(sample), delim, 4096)
	var counts []int
	for len(counts) < sniffRecords+1 && recs.next() {
		if recs.blank() {
			continue
		}
		counts = append(counts, recs.fields())
	}
	if !atEOF && len(counts) > 1 && len(counts) <= sniffRecords {
		counts = counts[:len(counts)-1] // the last record may be cut short
	}
	if len(counts) > sniffRecords {
		counts = counts[:sniffRecords]
	}
	freq := make(map[int]int)
	for _, n := range counts {
		freq[n]++
		if f := freq[n]; f > score || f == score && n > fields {
			score, fields = f, n
		}
	}
	return score, fields
}
