package phone

//go:generate go run ./gen tables.go
