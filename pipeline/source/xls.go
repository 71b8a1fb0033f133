package source

import "fmt"

// openXLS handles a legacy Excel 97-2003 (.xls) file. crmclean does not read
// the binary BIFF format: the Go readers for it are unmaintained, and on a
// LibreOffice-written test workbook github.com/extrame/xls turned amounts into
// dates and lost a sheet's text while github.com/shakinm/xlsReader gave dates
// as bare serial numbers. A customer list read wrongly is worse than one
// refused, so an .xls gets an error asking the user to save it as .xlsx. A
// workbook that is really an .xlsx package under an .xls name is read
// normally.
func openXLS(path string) (*File, error) {
	kind, err := sniff(path)
	if err != nil {
		return nil, err
	}
	switch kind {
	case kindZip:
		return openXLSX(path)
	case kindEncrypted:
		return nil, &FileError{Path: path, Err: ErrEncrypted, Hint: hintPassword}
	case kindLegacyXLS:
		return nil, &FileError{Path: path, Err: fmt.Errorf("%w: legacy Excel 97-2003 (.xls) workbook", ErrUnsupported), Hint: hintSaveXLSX}
	}
	return nil, &FileError{Path: path, Err: fmt.Errorf("%w: not an Excel workbook (an .xls name, but neither a binary workbook nor an .xlsx package)", ErrUnsupported), Hint: hintSaveXLSX}
}
