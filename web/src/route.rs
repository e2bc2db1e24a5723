//! Hash routes (`#/lesson/two-generals`), so a static host serves every page from one file.

/// A page of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The course map.
    Home,
    /// One lesson, by slug.
    Lesson(String),
    /// One lesson opened at a section: its slug and the heading's id (see the lessons' build).
    Section(String, String),
    /// Free play with any protocol.
    Playground,
    /// The final self-assessment.
    Assessment,
    /// A shared run: the link text that encodes it.
    Run(String),
    /// The in-browser benchmark.
    Bench,
    /// "Check your own history": the linearizability checker on a history the learner gives.
    Check,
    /// Anything else.
    NotFound(String),
}

impl Route {
    /// Parses a location hash such as `#/lesson/two-generals`.
    pub fn parse(hash: &str) -> Route {
        let path = hash
            .trim_start_matches('#')
            .trim_start_matches('/')
            .trim_end_matches('/');
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [] => Route::Home,
            ["lesson", slug] => Route::Lesson((*slug).to_string()),
            ["lesson", slug, section] => {
                Route::Section((*slug).to_string(), (*section).to_string())
            }
            ["playground"] => Route::Playground,
            ["assessment"] => Route::Assessment,
            ["run", link] => Route::Run((*link).to_string()),
            ["bench"] => Route::Bench,
            ["check"] => Route::Check,
            _ => Route::NotFound(path.to_string()),
        }
    }

    /// The hash that leads here.
    pub fn href(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Lesson(slug) => format!("#/lesson/{slug}"),
            Route::Section(slug, section) => format!("#/lesson/{slug}/{section}"),
            Route::Playground => "#/playground".into(),
            Route::Assessment => "#/assessment".into(),
            Route::Run(link) => format!("#/run/{link}"),
            Route::Bench => "#/bench".into(),
            Route::Check => "#/check".into(),
            Route::NotFound(p) => format!("#/{p}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_round_trip_through_their_hash() {
        for r in [
            Route::Home,
            Route::Lesson("two-generals".into()),
            Route::Section("lamport-clocks".into(), "the-converse-fails".into()),
            Route::Playground,
            Route::Assessment,
            Route::Run("aBCd-_".into()),
            Route::Bench,
            Route::Check,
        ] {
            assert_eq!(Route::parse(&r.href()), r);
        }
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("#/nope/x"), Route::NotFound("nope/x".into()));
    }
}
