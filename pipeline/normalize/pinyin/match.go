package pinyin

// Match compares a Han name's readings (one entry per unit, every reading
// of the unit, as name.Namer.Readings gives them) with the syllables of a
// romanized name, as written. A unit may read as several syllables (a
// compound surname "ouyang"). It tries the written order and the Western
// order, where the surname (the first unit) was written last: "Wei Zhang"
// matches 张伟. exact means some choice of readings spells the syllables
// exactly; fuzzy that each syllable is at least SyllableSimilar.
func Match(units [][]string, syllables []string) (exact, fuzzy bool) {
	if len(units) == 0 || len(syllables) == 0 {
		return false, false
	}
	exact, fuzzy = matchFrom(units, syllables)
	if exact {
		return true, true
	}
	k := unitSyllables(units[0])
	if k == 0 || k >= len(syllables) {
		return exact, fuzzy
	}
	rotated := make([]string, 0, len(syllables))
	rotated = append(rotated, syllables[len(syllables)-k:]...)
	rotated = append(rotated, syllables[:len(syllables)-k]...)
	e2, f2 := matchFrom(units, rotated)
	return e2, fuzzy || f2
}

// unitSyllables is the number of syllables of a unit's first reading.
func unitSyllables(readings []string) int {
	if len(readings) == 0 {
		return 0
	}
	if IsSyllable(readings[0]) {
		return 1
	}
	s, ok := Split(readings[0])
	if !ok {
		return 1
	}
	return len(s)
}

// matchFrom reports whether units spell syllables in order.
func matchFrom(units [][]string, syllables []string) (exact, fuzzy bool) {
	if len(units) == 0 {
		ok := len(syllables) == 0
		return ok, ok
	}
	for _, r := range units[0] {
		if IsSyllable(r) {
			if len(syllables) == 0 {
				continue
			}
			e0, f0 := SyllableSimilar(r, syllables[0])
			if !f0 {
				continue
			}
			e, f := matchFrom(units[1:], syllables[1:])
			if e && e0 {
				return true, true
			}
			fuzzy = fuzzy || f
			continue
		}
		parts := readingSyllables(r)
		if len(parts) > len(syllables) {
			continue
		}
		allExact, allFuzzy := true, true
		for i, p := range parts {
			e, f := SyllableSimilar(p, syllables[i])
			allExact = allExact && e
			allFuzzy = allFuzzy && f
		}
		if !allFuzzy {
			continue
		}
		e, f := matchFrom(units[1:], syllables[len(parts):])
		if e && allExact {
			return true, true
		}
		fuzzy = fuzzy || f
	}
	return false, fuzzy
}

// readingSyllables splits a unit reading into syllables; a reading that is
// not pinyin (latin letters, digits) stands for one syllable.
func readingSyllables(r string) []string {
	if IsSyllable(r) {
		return []string{r}
	}
	if s, ok := Split(r); ok {
		return s
	}
	return []string{r}
}
