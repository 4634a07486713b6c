package kb

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The fit recovers what drives the outcome: with answers right when the cosine is high and the
// question's topic is on the page, the weights of both come out positive and negative as they should,
// and the fitted probabilities separate the two groups.
func TestFitCalibration(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var signals []Signals
	var correct []bool
	for range 400 {
		s := Signals{Cos: r.Float64(), Cover: r.Float64(), Margin: r.Float64() * 0.2, Unknown: r.Float64() * 0.5, Missing: r.IntN(4) == 0}
		z := -3 + 6*s.Cos + 2*s.Cover - 4*s.Unknown
		if s.Missing {
			z -= 3
		}
		signals = append(signals, s)
		correct = append(correct, r.Float64() < 1/(1+math.Exp(-z)))
	}
	c, err := FitCalibration(signals, correct, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Weights[0] <= 2 || c.Weights[3] >= 0 || c.Weights[4] >= -1 {
		t.Fatalf("fitted %+v", c)
	}
	good := c.Probability(Signals{Cos: 0.9, Cover: 0.8})
	bad := c.Probability(Signals{Cos: 0.2, Cover: 0.1, Unknown: 0.5, Missing: true})
	if good < 0.8 || bad > 0.2 {
		t.Fatalf("probabilities %.2f and %.2f", good, bad)
	}
	if _, err := FitCalibration(signals[:5], correct[:5], 1); err == nil {
		t.Fatal("fitted on 5 questions")
	}
}
