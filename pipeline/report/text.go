package report

import "github.com/crmclean/crmclean/pipeline/msg"

// The report's texts live in the message catalogue (package msg) with
// every other text a person reads in the outputs.

func tr(lang, key string) string               { return msg.T(lang, key) }
func trf(lang, key string, args ...any) string { return msg.Tf(lang, key, args...) }
func label(lang, key string) string            { return msg.Label(lang, key) }
func ruleLabel(lang, rule string) string       { return msg.RuleLabel(lang, rule) }
