// Package report builds crmclean's quality report: report.json for
// machines and report.html, one self-contained page for people that answers
// first "can we go live with this data?" and then shows the details —
// per-field quality before and after, issues with examples that point to
// the cell, duplicates, rejected rows, address and phone figures, files
// that could not be read and the run's settings.
//
// Build computes every figure once; WriteJSON and WriteHTML only render
// them. Phones, e-mails and person names are masked in both unless
// Input.NoMask is set, and values of sensitive columns are never shown.
// The JSON schema is described in SCHEMA.md.
package report

import (
	"time"

	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// SchemaVersion is the version of report.json's layout; it changes only
// when a field is removed or changes meaning.
const SchemaVersion = 2

// Input is everything the report is built from.
type Input struct {
	Version   string
	Started   time.Time
	Duration  time.Duration
	Files     []ingest.FileReport
	Ignored   []ingest.Ignored
	Records   []*record.Record // every row read
	Customers []*merge.Customer
	Match     *match.Result // may be nil
	// Rows is the run's row table, which Match's row keys index: Records,
	// and on an incremental run the stored rows its review pairs name.
	Rows []*record.Record
	// Review are the pairs to review, one per pair of customers
	// (match.ByCustomer); nil takes them from Match.
	Review []match.Pair
	// Learned are the evidence patterns a project's decisions taught (an
	// incremental run), most decided first.
	Learned []Learned
	Rules   *rules.Rules
	Lang    string // "zh" (default) or "en"
	NoMask  bool
}

// Report is the report.json document. Field names are snake_case and
// stable; see SCHEMA.md.
type Report struct {
	SchemaVersion int           `json:"schema_version"`
	Verdict       Verdict       `json:"verdict"`
	Summary       Summary       `json:"summary"`
	Quality       Quality       `json:"quality"`
	Fields        []FieldStat   `json:"fields"`
	Issues        []IssueGroup  `json:"issues"`
	Duplicates    Duplicates    `json:"duplicates"`
	Budget        ReviewBudget  `json:"review_budget"`
	Numbers       Numbers       `json:"shared_numbers"`
	Check         Check         `json:"check"`
	Rejected      []ReasonGroup `json:"rejected"`
	Skipped       []ReasonGroup `json:"skipped"`
	Address       Address       `json:"address"`
	Phones        PhoneMix      `json:"phones"`
	Files         []FileStat    `json:"files"`
	Unreadable    []Unreadable  `json:"unreadable"`
	Settings      Settings      `json:"settings"`
}

// SecondsPerPair is what deciding one review pair takes a consultant, as
// the review budget counts it.
const SecondsPerPair = 20

// ReviewBudget is what the review list asks of a person: its pairs of
// customers, the time they take, and the evidence patterns that let the
// consultant decide many at once (review.xlsx's first sheet).
type ReviewBudget struct {
	Pairs          int            `json:"pairs"`            // review.csv rows: one per pair of customers
	RowPairs       int            `json:"row_pairs"`        // the doubtful pairs of rows they stand for
	SecondsPerPair int            `json:"seconds_per_pair"` // SecondsPerPair
	Minutes        float64        `json:"minutes"`          // pairs × seconds_per_pair, in minutes, 1 decimal
	Patterns       int            `json:"patterns"`         // evidence patterns among the pairs
	Top5Share      float64        `json:"top5_share"`       // share of the pairs in the five largest patterns
	Largest        []PatternCount `json:"largest"`          // the five largest patterns, most pairs first, then by code
	// Learned are what the project's decisions taught about patterns (runs
	// with a state), most decided first: the verdicts the run applied by
	// itself, and patterns decided all one way on their way to it.
	Learned []Learned `json:"learned"`
	// Weights are the match weights the project's decisions refined.
	Weights RefinedWeights `json:"weights_refined"`
}

// RefinedWeights say how the decided pairs moved the match weights: once
// at least 20 pairs of a kind are decided, merges and keeps refine the
// weights of that kind (match.Options.Labelled).
type RefinedWeights struct {
	Decisions int           `json:"decisions"` // decided pairs that refined the weights; 0 when too few
	Moved     []MovedWeight `json:"moved"`     // at most 12, the largest moves first
}

// MovedWeight is one field outcome's weight before and after the
// decisions, in bits (log2 likelihood ratio).
type MovedWeight struct {
	Kind    string  `json:"kind"` // person or company
	Field   string  `json:"field"`
	Outcome string  `json:"outcome"`
	Before  float64 `json:"before"`
	After   float64 `json:"after"`
}

// Learned is one evidence pattern as the project's decisions judge it.
type Learned struct {
	Pattern   string `json:"pattern"`
	Label     string `json:"label"`
	Merge     int    `json:"merge"`     // decisions saying merge
	Keep      int    `json:"keep"`      // and keep
	Verdict   string `json:"verdict"`   // merge or keep when the run applies it by itself; "" otherwise
	Forgotten bool   `json:"forgotten"` // decide forget-pattern: never applied by itself
	Applied   int    `json:"applied"`   // pairs the verdict decided in this run
}

// PatternCount is an evidence pattern with its review pairs.
type PatternCount struct {
	Pattern string `json:"pattern"` // stable code, as in review.csv's pattern column
	Label   string `json:"label"`   // readable, in the report's language
	Pairs   int    `json:"pairs"`
}

// Verdict answers "can we go live with this data?".
type Verdict struct {
	Ready   bool           `json:"ready"`
	Reasons []VerdictCount `json:"reasons"` // what to deal with first; empty when ready
}

// VerdictCount is one reason the data is not ready, with how many items it concerns.
type VerdictCount struct {
	Code  string `json:"code"` // review_pairs, rejected_rows, unreadable_files, unreadable_sheets
	Count int    `json:"count"`
}

// Summary holds the key figures of the run.
type Summary struct {
	StartedAt       string  `json:"started_at"` // ISO 8601 in the rules' time zone
	DurationSeconds float64 `json:"duration_seconds"`
	FilesFound      int     `json:"files_found"`
	FilesRead       int     `json:"files_read"`
	FilesUnreadable int     `json:"files_unreadable"`
	FilesIgnored    int     `json:"files_ignored"`
	SheetsRead      int     `json:"sheets_read"`
	RowsRead        int     `json:"rows_read"` // every row read, title, header and blank rows included
	DataRows        int     `json:"data_rows"` // rows below the header that are not skipped
	SkippedRows     int     `json:"skipped_rows"`
	RejectedRows    int     `json:"rejected_rows"`
	KeptRows        int     `json:"kept_rows"`
	MergedRows      int     `json:"merged_rows"`
	Customers       int     `json:"customers"`
	Companies       int     `json:"companies"`
	Persons         int     `json:"persons"`
	ReviewPairs     int     `json:"review_pairs"`
	Issues          int     `json:"issues"`
	QualityScore    float64 `json:"quality_score"`
	QualityAfter    float64 `json:"quality_score_after"`
	// Repairs counts the values crmclean repaired, by rule, most first.
	Repairs []RuleCount `json:"repairs"`
	// RowsToFix counts the data rows with a problem that needs a person
	// (a warning or an error in the fix list, issues.csv).
	RowsToFix int `json:"rows_to_fix"`
}

// RuleCount is how many times a rule applied.
type RuleCount struct {
	Rule  string `json:"rule"`
	Count int    `json:"count"`
}

// Quality is the data-quality score, its formula and its value per file.
type Quality struct {
	Formula string        `json:"formula"`
	Weights []FieldWeight `json:"weights"`
	Overall float64       `json:"overall"` // 0–100 over every data row
	After   float64       `json:"after"`   // the same formula over the customers
	Files   []FileScore   `json:"files"`
}

// FieldWeight is one field's weight in the quality score.
type FieldWeight struct {
	Field  string  `json:"field"`
	Weight float64 `json:"weight"`
}

// FileScore is the quality score of one source file.
type FileScore struct {
	SourceFile string  `json:"source_file"`
	DataRows   int     `json:"data_rows"`
	Score      float64 `json:"score"`
}

// FieldStat compares one field before (data rows) and after (customers).
// Shares are fractions between 0 and 1.
type FieldStat struct {
	Field        string  `json:"field"`
	FilledBefore float64 `json:"filled_before"` // data rows with a non-empty cell mapped to the field
	ValidBefore  float64 `json:"valid_before"`  // data rows whose cell parsed as a valid value
	FilledAfter  float64 `json:"filled_after"`  // customers with the field filled
	ValidAfter   float64 `json:"valid_after"`   // customers with a valid value (golden values are normalized)
}

// IssueGroup is every issue of one rule.
type IssueGroup struct {
	Rule       string         `json:"rule"`
	Severity   string         `json:"severity"` // the most severe seen: error, warning, info
	Count      int            `json:"count"`
	Rows       int            `json:"rows"` // distinct rows concerned
	BySeverity map[string]int `json:"by_severity"`
	Message    string         `json:"message"` // the first message seen, masked
	Examples   []Example      `json:"examples"`
}

// Example points at one cell an issue concerns.
type Example struct {
	Location
	Column  string `json:"column,omitempty"` // column letters, empty for a whole-row issue
	Header  string `json:"header,omitempty"`
	Value   string `json:"value,omitempty"` // original value, masked where personal
	Fix     string `json:"fix,omitempty"`   // value after the fix, masked where personal
	Message string `json:"message"`
}

// Location is a row of a source file.
type Location struct {
	SourceFile string `json:"source_file"`
	Sheet      string `json:"sheet,omitempty"`
	Row        int    `json:"row"`
	RowEnd     int    `json:"row_end,omitempty"` // last row of a run of rows (blank, or not read)
}

// Duplicates describes what matching found.
type Duplicates struct {
	Matched        bool           `json:"matched"` // false when matching did not run
	CandidatePairs int            `json:"candidate_pairs"`
	MergePairs     int            `json:"merge_pairs"`
	ReviewPairs    int            `json:"review_pairs"`
	BlockedMerges  int            `json:"blocked_merges"`
	ClusterSizes   []SizeCount    `json:"cluster_sizes"`
	Evidence       []EvidenceStat `json:"evidence"`      // what the merges rested on, most frequent first
	ReviewSample   []ReviewPair   `json:"review_sample"` // highest scores first, at most maxReview
	CappedBlocks   []CappedBlock  `json:"capped_blocks"`
	Conflicts      []ConflictStat `json:"conflicts"` // fields whose merged rows disagreed, most frequent first
}

// ConflictStat is how many customers' rows disagreed on a field when they
// were merged; the golden record took one value by the survivorship rules.
type ConflictStat struct {
	Field     string `json:"field"`
	Customers int    `json:"customers"`
}

// SizeCount is how many customers were built from Size rows.
type SizeCount struct {
	Size  int `json:"size"`
	Count int `json:"count"`
}

// EvidenceStat is how often a field outcome supported a merge.
type EvidenceStat struct {
	Field      string  `json:"field"`
	Outcome    string  `json:"outcome"`
	Pairs      int     `json:"pairs"`
	MeanWeight float64 `json:"mean_weight"`
}

// ReviewPair is a doubtful pair left for a person to decide.
type ReviewPair struct {
	Score    float64      `json:"score"`
	A        PairSide     `json:"a"`
	B        PairSide     `json:"b"`
	Evidence []PairReason `json:"evidence"`
}

// PairSide is one row of a review pair.
type PairSide struct {
	Location
	CustomerID string `json:"customer_id"`
	Name       string `json:"name"`
	Contact    string `json:"contact,omitempty"` // omitted when it is the name
	Mobile     string `json:"mobile,omitempty"`
	City       string `json:"city,omitempty"`
}

// PairReason is one field's contribution to a review pair's score.
type PairReason struct {
	Field   string  `json:"field"`
	Outcome string  `json:"outcome"`
	Weight  float64 `json:"weight"`
	Detail  string  `json:"detail,omitempty"`
}

// CappedBlock is a blocking key shared by too many rows to compare.
type CappedBlock struct {
	KeyType string `json:"key_type"`
	Size    int    `json:"size"`
}

// ReasonGroup counts rejected or skipped rows by reason.
type ReasonGroup struct {
	Reason   string     `json:"reason"` // a rule name for rejections found by a rule, else the reason text
	Message  string     `json:"message"`
	Rows     int        `json:"rows"`
	Examples []Location `json:"examples"`
}

// Address gives the address resolution rates: Resolved among the data
// rows with any address cell, Before among all data rows, After among the
// customers (so Before and After compare like with like).
type Address struct {
	RowsWithAddress int   `json:"rows_with_address"`
	Resolved        Rates `json:"resolved"`
	Before          Rates `json:"before"`
	After           Rates `json:"after"`
}

// Rates are resolution rates to each administrative level.
type Rates struct {
	Province float64 `json:"province"`
	City     float64 `json:"city"`
	District float64 `json:"district"`
	Adcode   float64 `json:"adcode"`
}

// PhoneMix counts the numbers found in the data rows by type.
type PhoneMix struct {
	Mobile   int `json:"mobile"`
	Landline int `json:"landline"`
	Service  int `json:"service"` // 400/800 and 95xxx numbers
	Other    int `json:"other"`
	Invalid  int `json:"invalid"` // cells or fragments that are not a phone number
	// RowsWithMobile is the share of data rows with at least one valid mobile.
	RowsWithMobile float64 `json:"rows_with_mobile"`
	// CustomersWithMobile is the share of customers with a main mobile.
	CustomersWithMobile float64 `json:"customers_with_mobile"`
}

// FileStat describes one source file.
type FileStat struct {
	SourceFile string      `json:"source_file"`
	Format     string      `json:"format"`
	Encoding   string      `json:"encoding,omitempty"`
	Error      string      `json:"error,omitempty"`
	Sheets     []SheetStat `json:"sheets"`
	DataRows   int         `json:"data_rows"`
	Rejected   int         `json:"rejected"`
	Kept       int         `json:"kept"`
	Merged     int         `json:"merged"`
	Score      float64     `json:"score"`
}

// SheetStat describes one sheet of a file.
type SheetStat struct {
	Name        string `json:"name"`
	Rows        int    `json:"rows"`
	DataRows    int    `json:"data_rows"`
	Noise       int    `json:"noise"`
	HeaderFound bool   `json:"header_found"`
	Skipped     string `json:"skipped,omitempty"` // why the sheet was not read
	Error       string `json:"error,omitempty"`   // why reading broke off
	// Warnings are problems of the sheet no data row carries (a repaired
	// header, bad bytes in it).
	Warnings []string `json:"warnings,omitempty"`
}

// Unreadable is a file or sheet that could not be read, or a file that was
// ignored, with the reason.
type Unreadable struct {
	Path   string `json:"path"`
	Sheet  string `json:"sheet,omitempty"`
	Kind   string `json:"kind"` // file (not read), sheet (broke off or skipped), ignored (not a spreadsheet)
	Reason string `json:"reason"`
}

// Settings are the run's settings.
type Settings struct {
	Version         string  `json:"version"`
	RulesFile       string  `json:"rules_file"` // empty for the embedded defaults
	RulesHash       string  `json:"rules_hash"`
	MergeThreshold  float64 `json:"merge_threshold"`
	ReviewThreshold float64 `json:"review_threshold"`
	MaxBlock        int     `json:"max_block"`
	PhoneRegion     string  `json:"phone_region"`
	TimeZone        string  `json:"time_zone"`
	KeepSensitive   bool    `json:"keep_sensitive"`
	Masked          bool    `json:"masked"`
	Lang            string  `json:"lang"`
}

// row is the row of the run's row table a row key names; nil when the
// table does not hold it.
func (in *Input) row(k record.Key) *record.Record {
	if k < 0 || int(k) >= len(in.Rows) {
		return nil
	}
	return in.Rows[k]
}
