package pathtemplate

import "testing"

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		template, path string
		literals       int
		ok             bool
	}{
		{"/webhooks", "/webhooks", 1, true},
		{"/webhooks", "webhooks", 1, true},
		{"/webhooks", "/webhooks/", 0, false},
		{"/webhooks/{webhook_id}", "/webhooks/12", 1, true},
		{"/webhooks/tryout", "/webhooks/tryout", 2, true},
		{"/webhooks/{webhook_id}", "/webhooks/tryout", 1, true},
		{"/webhooks/{webhook_id}", "/webhooks/", 0, false},
		{"/webhooks/{webhook_id}", "/webhooks//", 0, false},
		{"/webhooks/{webhook_id}", "/webhooks/1/2", 0, false},
		{"/webhooks", "/webhooks/1", 0, false},
		{"/webhooks", "//webhooks", 0, false},
		{"/business/{business_id}/plans", "/business/c-A%2FB/plans", 2, true},
		{"/webhooks/{webhook_id}", "/webhooks/1/", 0, false},
		{"/", "/", 1, true},
	}
	for _, tt := range tests {
		n, ok := Match(tt.template, tt.path)
		if ok != tt.ok || (ok && n != tt.literals) {
			t.Errorf("Match(%q, %q) = %d, %t; want %d, %t", tt.template, tt.path, n, ok, tt.literals, tt.ok)
		}
	}
}

func TestParam(t *testing.T) {
	t.Parallel()
	got, ok := Param("/sections/{section_id}/groups/{group_id}", "/sections/7/groups/c-x", "group_id")
	if !ok || got != "c-x" {
		t.Errorf("Param = %q, %t; want c-x, true", got, ok)
	}
	if _, ok := Param("/sections/{section_id}", "/sections/7", "group_id"); ok {
		t.Error("Param found a parameter the template does not have")
	}
}

func TestMatchAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { Match("/webhooks/{webhook_id}", "/webhooks/12") }); n != 0 {
		t.Errorf("Match allocates %v times per call, want 0", n)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want            string
		encodedSlash, empty bool
	}{
		{"/webhooks", "/webhooks", false, false},
		{"/%77ebhooks", "/webhooks", false, false},
		{"/web%68ooks/tr%79out", "/webhooks/tryout", false, false},
		{"/a%2db%5Fc%7e", "/a-b_c~", false, false},
		{"/a%20b%e2%82%ac", "/a%20b%E2%82%AC", false, false},
		{"/webhooks%2Ftryout", "/webhooks%2Ftryout", true, false},
		{"/webhooks%2ftryout", "/webhooks%2Ftryout", true, false},
		{"/webhooks//tryout", "/webhooks//tryout", false, true},
		{"/bad%zz%4", "/bad%zz%4", false, false},
	}
	for _, tt := range tests {
		got, slash, empty := Normalize(tt.in)
		if got != tt.want || slash != tt.encodedSlash || empty != tt.empty {
			t.Errorf("Normalize(%q) = %q, %t, %t; want %q, %t, %t", tt.in, got, slash, empty, tt.want, tt.encodedSlash, tt.empty)
		}
	}
}
