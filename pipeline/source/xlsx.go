package source

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	kflate "github.com/klauspost/compress/flate"
	"golang.org/x/text/encoding/htmlindex"
)

// RuleUnreadableCell is the issue of a cell a workbook has lost, such as a
// shared string that is not in its table: the cell is read as empty.
const RuleUnreadableCell = "cell.unreadable"

// Hints shown with workbook errors.
const (
	hintPassword  = "remove the password in Excel (File > Info > Protect Workbook) and save again"
	hintSaveXLSX  = "open it in Excel or WPS and save as .xlsx (Excel Workbook)"
	hintLegacyXLS = "it is a legacy Excel 97-2003 (.xls) workbook: " + hintSaveXLSX
	hintDamaged   = "the workbook is damaged or not an Excel workbook: " + hintSaveXLSX
)

// xlsxLimits guards against zip bombs: no part may expand beyond part bytes,
// all parts together beyond total bytes, and no part larger than ratioFloor
// may expand more than ratio times its compressed size.
type xlsxLimits struct {
	part, total int64
	ratio       int64
	ratioFloor  int64
	element     int // largest single row or string item, in bytes
	cell        int // largest cell text, in bytes
}

var defaultXLSXLimits = xlsxLimits{
	part:       2 << 30,
	total:      4 << 30,
	ratio:      250,
	ratioFloor: 64 << 20,
	element:    MaxRecord,
	cell:       MaxCell,
}

// Magic numbers at the start of the file.
var (
	magicZip = []byte("PK\x03\x04")
	magicCFB = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Relationship types, by their last path element (transitional and strict
// OOXML differ only in the prefix).
const (
	relOfficeDocument = "/officeDocument"
	relWorksheet      = "/worksheet"
	relChartsheet     = "/chartsheet"
	relDialogsheet    = "/dialogsheet"
	relMacrosheet     = "/xlMacrosheet"
	relSharedStrings  = "/sharedStrings"
	relStyles         = "/styles"
)

// workbook is an open .xlsx/.xlsm package.
type workbook struct {
	path     string
	zr       *zip.Reader
	fh       *os.File             // the package's file, closed with the File
	parts    map[string]*zip.File // by name, and by lower-case name as a fallback
	lim      xlsxLimits
	date1904 bool
	strings  []string // shared strings table
	dateXF   []bool   // per cellXfs index: the number format shows a date
}

// openXLSX opens an .xlsx/.xlsm workbook. It reads the workbook's index,
// styles and shared strings; each sheet's rows are streamed when ranged over.
func openXLSX(path string) (*File, error) {
	return openXLSXWith(path, defaultXLSXLimits)
}

func openXLSXWith(path string, lim xlsxLimits) (*File, error) {
	if err := sniffWorkbook(path); err != nil {
		return nil, err
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: fmt.Errorf("open: %w", err), Hint: "check that the file exists and that you may read it"}
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, &FileError{Path: path, Err: fmt.Errorf("open: %w", err), Hint: "check that the file exists and that you may read it"}
	}
	count := &byteCount{}
	zr, err := zip.NewReader(countingReaderAt{fh, count}, st.Size())
	if err != nil {
		fh.Close()
		return nil, &FileError{Path: path, Err: fmt.Errorf("%w: open zip: %w", ErrCorrupt, err), Hint: hintDamaged}
	}
	zr.RegisterDecompressor(zip.Deflate, inflate)
	wb := &workbook{path: path, zr: zr, fh: fh, lim: lim, parts: make(map[string]*zip.File, len(zr.File)*2)}
	f, err := wb.load()
	if err != nil {
		fh.Close()
		var fe *FileError
		if errors.As(err, &fe) {
			return nil, err
		}
		hint := hintDamaged
		if errors.Is(err, ErrTooLarge) {
			hint = "the workbook expands to more data than crmclean reads safely; split it or save the sheets as .csv"
		}
		return nil, &FileError{Path: path, Err: err, Hint: hint}
	}
	f.Size, f.read = st.Size(), count
	return f, nil
}

// sniffWorkbook checks the first bytes of a file named .xlsx: empty, a zip
// package, an encrypted workbook or a legacy .xls in disguise.
func sniffWorkbook(path string) error {
	kind, err := sniff(path)
	if err != nil {
		return err
	}
	switch kind {
	case kindZip:
		return nil
	case kindEncrypted:
		return &FileError{Path: path, Err: ErrEncrypted, Hint: hintPassword}
	case kindLegacyXLS:
		return &FileError{Path: path, Err: fmt.Errorf("%w: a legacy .xls workbook named as .xlsx", ErrUnsupported), Hint: hintLegacyXLS}
	}
	return &FileError{Path: path, Err: fmt.Errorf("%w: not a zip package", ErrCorrupt), Hint: hintDamaged}
}

type fileKind int

const (
	kindUnknown   fileKind = iota
	kindZip                // an OOXML package (or another zip)
	kindEncrypted          // a CFB container holding an encrypted OOXML package
	kindLegacyXLS          // a CFB container that is not encrypted: Excel 97-2003
)

// sniff classifies a file by its magic number. Empty files and I/O failures
// are returned as *FileError.
func sniff(path string) (fileKind, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, &FileError{Path: path, Err: fmt.Errorf("open: %w", err)}
	}
	defer fh.Close()
	head := make([]byte, 8)
	n, err := io.ReadFull(fh, head)
	if n == 0 {
		if err == io.EOF {
			return 0, &FileError{Path: path, Err: ErrEmpty, Hint: "the file has no content: export it again"}
		}
		if err != nil {
			return 0, &FileError{Path: path, Err: fmt.Errorf("read: %w", err)}
		}
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return kindZip, nil
	case bytes.Equal(head, magicCFB):
		enc, err := cfbEncrypted(fh)
		if err != nil {
			return 0, &FileError{Path: path, Err: fmt.Errorf("read: %w", err)}
		}
		if enc {
			return kindEncrypted, nil
		}
		return kindLegacyXLS, nil
	}
	return kindUnknown, nil
}

// cfbEncrypted reports whether a compound file holds the streams of an
// encrypted OOXML package. Directory entry names are UTF-16LE, so it searches
// the file for "EncryptionInfo" and "EncryptedPackage" in that encoding.
func cfbEncrypted(r io.Reader) (bool, error) {
	pats := [][]byte{utf16le("EncryptionInfo"), utf16le("EncryptedPackage")}
	const overlap = 64
	buf := make([]byte, 1<<20)
	keep := 0
	for {
		n, err := io.ReadFull(r, buf[keep:])
		data := buf[:keep+n]
		for _, p := range pats {
			if bytes.Contains(data, p) {
				return true, nil
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		keep = copy(buf, data[len(data)-overlap:])
	}
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, c := range []byte(s) {
		b = append(b, c, 0)
	}
	return b
}

// load reads the package index and builds the File.
func (wb *workbook) load() (*File, error) {
	var total int64
	for _, zf := range wb.zr.File {
		size := int64(zf.UncompressedSize64)
		if zf.UncompressedSize64 > uint64(wb.lim.part) {
			return nil, fmt.Errorf("%w: part %s is %d bytes uncompressed", ErrTooLarge, zf.Name, zf.UncompressedSize64)
		}
		if size > wb.lim.ratioFloor && size/max(int64(zf.CompressedSize64), 1) > wb.lim.ratio {
			return nil, fmt.Errorf("%w: part %s expands %d times", ErrTooLarge, zf.Name, size/max(int64(zf.CompressedSize64), 1))
		}
		total += size
		if total > wb.lim.total {
			return nil, fmt.Errorf("%w: the parts total more than %d bytes uncompressed", ErrTooLarge, wb.lim.total)
		}
		name := strings.TrimPrefix(strings.ReplaceAll(zf.Name, `\`, "/"), "/")
		wb.parts[name] = zf
		if lower := strings.ToLower(name); wb.parts[lower] == nil {
			wb.parts[lower] = zf
		}
	}

	wbPath := "xl/workbook.xml"
	if rels, err := wb.rels("_rels/.rels"); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.Type, relOfficeDocument) {
				wbPath = resolveTarget("", r.Target)
				break
			}
		}
	}
	info, err := wb.readWorkbook(wbPath)
	if err != nil {
		return nil, err
	}
	wb.date1904 = info.date1904
	rels, err := wb.rels(relsPath(wbPath))
	if err != nil {
		return nil, err
	}
	relByID := make(map[string]relationship, len(rels))
	base := path.Dir(wbPath)
	for _, r := range rels {
		relByID[r.ID] = r
		switch {
		case strings.HasSuffix(r.Type, relSharedStrings):
			if err := wb.readSharedStrings(resolveTarget(base, r.Target)); err != nil {
				return nil, err
			}
		case strings.HasSuffix(r.Type, relStyles):
			if err := wb.readStyles(resolveTarget(base, r.Target)); err != nil {
				return nil, err
			}
		}
	}

	f := &File{Path: wb.path, Format: "xlsx", close: wb.fh.Close}
	for _, s := range info.sheets {
		r, ok := relByID[s.relID]
		switch {
		case !ok:
			return nil, fmt.Errorf("%w: sheet %q has no part in the workbook relationships", ErrCorrupt, s.name)
		case s.state == "hidden":
			f.Skipped = append(f.Skipped, SkippedSheet{Name: s.name, Reason: "hidden sheet"})
			continue
		case s.state == "veryHidden":
			f.Skipped = append(f.Skipped, SkippedSheet{Name: s.name, Reason: "very hidden sheet"})
			continue
		case strings.HasSuffix(r.Type, relChartsheet):
			f.Skipped = append(f.Skipped, SkippedSheet{Name: s.name, Reason: "chart sheet"})
			continue
		case strings.HasSuffix(r.Type, relDialogsheet):
			f.Skipped = append(f.Skipped, SkippedSheet{Name: s.name, Reason: "dialog sheet"})
			continue
		case strings.HasSuffix(r.Type, relMacrosheet):
			f.Skipped = append(f.Skipped, SkippedSheet{Name: s.name, Reason: "macro sheet"})
			continue
		case !strings.HasSuffix(r.Type, relWorksheet):
			f.Skipped = append(f.Skipped, SkippedSheet{Name: s.name, Reason: "not a worksheet"})
			continue
		}
		part := resolveTarget(base, r.Target)
		zf := wb.part(part)
		if zf == nil {
			return nil, fmt.Errorf("%w: the part %s of sheet %q is missing", ErrCorrupt, part, s.name)
		}
		f.Sheets = append(f.Sheets, Sheet{Name: s.name, Rows: wb.sheetRows(s.name, zf)})
	}
	return f, nil
}

// part finds a package part by name, falling back to a case-insensitive match.
func (wb *workbook) part(name string) *zip.File {
	if zf := wb.parts[name]; zf != nil {
		return zf
	}
	return wb.parts[strings.ToLower(name)]
}

// inflate reads a deflated part with github.com/klauspost/compress/flate,
// a drop-in for compress/flate (the workbook writer uses it too) that
// inflates a sheet's XML faster: BenchmarkXLSX200k.
func inflate(r io.Reader) io.ReadCloser { return kflate.NewReader(r) }

// openPart opens a part for reading with the size limit applied.
func (wb *workbook) openPart(zf *zip.File) (io.ReadCloser, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: open part %s: %w", ErrCorrupt, zf.Name, err)
	}
	return rc, nil
}

// relsPath returns the relationships part of a part: xl/workbook.xml →
// xl/_rels/workbook.xml.rels.
func relsPath(part string) string {
	return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
}

// resolveTarget resolves a relationship target against the source part's
// folder; targets starting with "/" are package-absolute.
func resolveTarget(base, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join(base, target)), "/")
}

type relationship struct {
	ID, Type, Target string
}

// rels reads a relationships part.
func (wb *workbook) rels(name string) ([]relationship, error) {
	zf := wb.part(name)
	if zf == nil {
		return nil, fmt.Errorf("%w: the part %s is missing", ErrCorrupt, name)
	}
	var out []relationship
	err := wb.decodeXML(zf, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "Relationship" {
			return nil
		}
		var r relationship
		external := false
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Id":
				r.ID = a.Value
			case "Type":
				r.Type = a.Value
			case "Target":
				r.Target = a.Value
			case "TargetMode":
				external = strings.EqualFold(a.Value, "External")
			}
		}
		if !external {
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// decodeXML walks the start elements of a small part with encoding/xml.
func (wb *workbook) decodeXML(zf *zip.File, visit func(*xml.Decoder, xml.StartElement) error) error {
	rc, err := wb.openPart(zf)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := newPartDecoder(rc)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: part %s: %w", ErrCorrupt, zf.Name, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if err := visit(d, se); err != nil {
				return err
			}
		}
	}
}

// newPartDecoder returns a lenient XML decoder that also reads parts declared
// in a legacy encoding (encoding="GBK").
func newPartDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("unknown XML encoding %q: %w", label, err)
		}
		return enc.NewDecoder().Reader(in), nil
	}
	return d
}

type sheetEntry struct {
	name, state, relID string
}

type workbookInfo struct {
	date1904 bool
	sheets   []sheetEntry
}

// readWorkbook reads the sheet list and the date system from workbook.xml.
func (wb *workbook) readWorkbook(name string) (workbookInfo, error) {
	var info workbookInfo
	zf := wb.part(name)
	if zf == nil {
		return info, fmt.Errorf("%w: the part %s is missing", ErrCorrupt, name)
	}
	err := wb.decodeXML(zf, func(_ *xml.Decoder, se xml.StartElement) error {
		switch se.Name.Local {
		case "workbookPr":
			for _, a := range se.Attr {
				if a.Name.Local == "date1904" {
					wb := strings.TrimSpace(a.Value)
					info.date1904 = wb == "1" || strings.EqualFold(wb, "true")
				}
			}
		case "sheet":
			var s sheetEntry
			for _, a := range se.Attr {
				switch {
				case a.Name.Local == "name":
					s.name = a.Value
				case a.Name.Local == "state":
					s.state = a.Value
				case a.Name.Local == "id" && a.Name.Space != "":
					s.relID = a.Value
				}
			}
			info.sheets = append(info.sheets, s)
		}
		return nil
	})
	return info, err
}

// readStyles records which cell formats (cellXfs) show dates.
func (wb *workbook) readStyles(name string) error {
	zf := wb.part(name)
	if zf == nil {
		return nil // styles are optional: every number is then General
	}
	custom := map[int]string{}
	var xfIDs []int
	inCellXfs := false
	rc, err := wb.openPart(zf)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := newPartDecoder(rc)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: part %s: %w", ErrCorrupt, zf.Name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				id, code := -1, ""
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "numFmtId":
						id = atoiOr(a.Value, -1)
					case "formatCode":
						code = a.Value
					}
				}
				if id >= 0 {
					custom[id] = code
				}
			case "cellXfs":
				inCellXfs = true
			case "xf":
				if inCellXfs {
					id := 0
					for _, a := range t.Attr {
						if a.Name.Local == "numFmtId" {
							id = atoiOr(a.Value, 0)
						}
					}
					xfIDs = append(xfIDs, id)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				inCellXfs = false
			}
		}
	}
	wb.dateXF = make([]bool, len(xfIDs))
	for i, id := range xfIDs {
		if code, ok := custom[id]; ok {
			wb.dateXF[i] = isDateFormat(code)
		} else {
			wb.dateXF[i] = builtinDateFormat(id)
		}
	}
	return nil
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

// readSharedStrings loads the shared strings table with the byte scanner.
func (wb *workbook) readSharedStrings(name string) error {
	zf := wb.part(name)
	if zf == nil {
		return nil
	}
	rc, err := wb.openPart(zf)
	if err != nil {
		return err
	}
	defer rc.Close()
	w := newXMLWindow(rc, wb.lim.element)
	var text []byte
	for {
		el, start, stop, ok := w.nextElement()
		if !ok {
			if w.err != nil {
				return fmt.Errorf("part %s: %w", zf.Name, w.failure("the shared strings"))
			}
			return nil
		}
		switch {
		case el.end || string(el.local) != "si":
			if !el.end && string(el.local) == "sst" && wb.strings == nil {
				if n, ok := attr(el.tag, "uniqueCount"); ok {
					wb.strings = make([]string, 0, min(atoiOr(string(n), 0), 1<<20))
				}
			}
			w.advance(stop)
		case el.self:
			wb.strings = append(wb.strings, "")
			w.advance(stop)
		default:
			closing := el.closeTag()
			j := w.index(stop, closing)
			if j < 0 {
				return fmt.Errorf("part %s, string %d: %w", zf.Name, len(wb.strings), w.failure("<si>"))
			}
			text = appendStringItem(text[:0], w.data()[start:j])
			if s := decodeOOXMLEscapes(text); len(s) <= wb.lim.cell {
				wb.strings = append(wb.strings, string(s))
			} else {
				return fmt.Errorf("%w: part %s, string %d: %w", ErrTooLarge, zf.Name, len(wb.strings), ErrCellTooLong)
			}
			w.advance(j + len(closing))
		}
	}
}
