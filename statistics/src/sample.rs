//! A validated sample: what the analyses' entry points take, so "NaN-free and non-empty" is
//! checked once, by the type, instead of promised by every caller (as criterion's `Sample`).

use std::fmt;
use std::ops::Deref;

/// A non-empty slice of finite values (no NaN, no infinity), borrowed; derefs to `[f64]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample<'a>(&'a [f64]);

/// Why values are not a [`Sample`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SampleError {
    /// No values at all.
    Empty,
    /// A NaN or infinite value, the first one.
    NotFinite {
        /// Its index.
        index: usize,
        /// The value.
        value: f64,
    },
}

impl fmt::Display for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SampleError::Empty => f.write_str("sample: no values"),
            SampleError::NotFinite { index, value } => {
                write!(f, "sample: value {index} is {value}, not a finite number")
            }
        }
    }
}

impl std::error::Error for SampleError {}

impl<'a> Sample<'a> {
    /// `values` as a sample; an error names the first value that is not finite, or says
    /// there are none.
    pub fn new(values: &'a [f64]) -> Result<Sample<'a>, SampleError> {
        if values.is_empty() {
            return Err(SampleError::Empty);
        }
        match values.iter().position(|x| !x.is_finite()) {
            Some(index) => Err(SampleError::NotFinite {
                index,
                value: values[index],
            }),
            None => Ok(Sample(values)),
        }
    }

    /// Each run of `runs` as a sample (runs in a side of several); the first error, if any.
    pub fn runs<R: AsRef<[f64]>>(runs: &'a [R]) -> Result<Vec<Sample<'a>>, SampleError> {
        runs.iter().map(|r| Sample::new(r.as_ref())).collect()
    }

    /// The values.
    pub fn values(&self) -> &'a [f64] {
        self.0
    }
}

impl Deref for Sample<'_> {
    type Target = [f64];

    fn deref(&self) -> &[f64] {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_non_empty_finite_values_make_a_sample() {
        let s = Sample::new(&[1.0, 2.5, -3.0]).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s.values(), &[1.0, 2.5, -3.0]);
        assert_eq!(Sample::new(&[]), Err(SampleError::Empty));
        let e = Sample::new(&[1.0, f64::NAN, f64::INFINITY]).unwrap_err();
        assert!(matches!(e, SampleError::NotFinite { index: 1, value } if value.is_nan()));
        assert_eq!(e.to_string(), "sample: value 1 is NaN, not a finite number");
        assert_eq!(
            Sample::new(&[2.0, f64::NEG_INFINITY]),
            Err(SampleError::NotFinite {
                index: 1,
                value: f64::NEG_INFINITY
            })
        );
    }

    #[test]
    fn runs_are_samples_each() {
        let runs = vec![vec![1.0, 2.0], vec![3.0]];
        let s = Sample::runs(&runs).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(*s[1], [3.0]);
        let bad = vec![vec![1.0], vec![]];
        assert_eq!(Sample::runs(&bad), Err(SampleError::Empty));
    }
}
