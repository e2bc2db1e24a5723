//! A learner's compiled code as a protocol calls it, and the typed conversions between Rust
//! values and script values.
//!
//! A protocol's rules are Rust traits (`LamportRules`, `RaftRules`, ...) whose methods cannot
//! fail. A protocol's `grade.rs` implements its rules trait over a [`Script`]: each method turns its
//! arguments into script values ([`ScriptArgs`]), calls the learner's function, and reads the
//! result back, so an adapter is a few lines. The first error (a runtime error in the script, or a
//! result of the wrong shape, with a message for the learner) is kept, every later call returns
//! `None`, and the grader stops the schedule and reports it.

use super::sandbox::Sandbox;
use crate::exercise::{CodeError, Value};
use rhai::{Array, Dynamic, AST};
use std::cell::RefCell;
use std::rc::Rc;

/// A Rust value a script receives as an argument.
pub trait ToScript {
    /// The value as a script sees it (integers as `i64`, lists as arrays).
    fn to_script(&self) -> Dynamic;
}

impl ToScript for u64 {
    fn to_script(&self) -> Dynamic {
        Dynamic::from(*self as i64)
    }
}

impl ToScript for i64 {
    fn to_script(&self) -> Dynamic {
        Dynamic::from(*self)
    }
}

impl ToScript for usize {
    fn to_script(&self) -> Dynamic {
        Dynamic::from(*self as i64)
    }
}

impl ToScript for bool {
    fn to_script(&self) -> Dynamic {
        Dynamic::from(*self)
    }
}

impl ToScript for [u64] {
    fn to_script(&self) -> Dynamic {
        Dynamic::from(self.iter().map(ToScript::to_script).collect::<Array>())
    }
}

impl ToScript for Vec<u64> {
    fn to_script(&self) -> Dynamic {
        self.as_slice().to_script()
    }
}

impl ToScript for Value {
    fn to_script(&self) -> Dynamic {
        match self {
            Value::Int(i) => Dynamic::from(*i),
            Value::Bool(b) => Dynamic::from(*b),
            Value::Str(s) => Dynamic::from(s.clone()),
            Value::List(items) => {
                Dynamic::from(items.iter().map(ToScript::to_script).collect::<Array>())
            }
        }
    }
}

impl<T: ToScript + ?Sized> ToScript for &T {
    fn to_script(&self) -> Dynamic {
        (**self).to_script()
    }
}

/// The arguments of one call: a tuple of [`ToScript`] values, or a ready list.
pub trait ScriptArgs {
    /// The arguments in order.
    fn into_args(self) -> Vec<Dynamic>;
}

impl ScriptArgs for Vec<Dynamic> {
    fn into_args(self) -> Vec<Dynamic> {
        self
    }
}

macro_rules! tuple_args {
    ($($name:ident),+) => {
        impl<$($name: ToScript),+> ScriptArgs for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_args(self) -> Vec<Dynamic> {
                let ($($name,)+) = self;
                vec![$($name.to_script()),+]
            }
        }
    };
}
tuple_args!(A);
tuple_args!(A, B);
tuple_args!(A, B, C);
tuple_args!(A, B, C, D);
tuple_args!(A, B, C, D, E);
tuple_args!(A, B, C, D, E, F, G, H);

/// What a script returned, as an exercise value, or `None` for a type exercises do not use.
pub fn from_script(d: &Dynamic) -> Option<Value> {
    if let Ok(i) = d.as_int() {
        return Some(Value::Int(i));
    }
    if let Ok(b) = d.as_bool() {
        return Some(Value::Bool(b));
    }
    if d.is_string() {
        return d.clone().into_string().ok().map(Value::Str);
    }
    let array = d.read_lock::<Array>()?;
    array
        .iter()
        .map(from_script)
        .collect::<Option<Vec<_>>>()
        .map(Value::List)
}

/// A result as the learner would write it (`[1, 2]`, `"before"`), or its type when it is not an
/// exercise value: for messages that say what came back.
pub fn shown(d: &Dynamic) -> String {
    from_script(d).map_or_else(|| d.type_name().to_string(), |v| v.to_string())
}

/// A list of non-negative integers, or `None`.
pub fn counts(d: &Dynamic) -> Option<Vec<u64>> {
    let array = d.read_lock::<Array>()?;
    array
        .iter()
        .map(|t| t.as_int().ok().and_then(|t| u64::try_from(t).ok()))
        .collect()
}

/// A learner's compiled code, called from a protocol; the first error is kept and stops the
/// schedule.
///
/// After an error every call returns `None` and the adapter returns a harmless fallback (the
/// clock unchanged, the message rejected), since a protocol handler cannot fail; the grader then
/// reports the error and stops the schedule.
pub struct Script {
    sandbox: Rc<Sandbox>,
    ast: Rc<AST>,
    failure: RefCell<Option<CodeError>>,
    /// The last pure call's key (its arguments, flattened) and result ([`Script::call_pure`]).
    last_call: RefCell<Option<(Vec<u64>, Dynamic)>>,
}

impl Script {
    /// The learner's code `ast`, run in `sandbox`.
    pub(crate) fn new(sandbox: Rc<Sandbox>, ast: Rc<AST>) -> Self {
        Script {
            sandbox,
            ast,
            failure: RefCell::default(),
            last_call: RefCell::default(),
        }
    }

    /// Calls `name`, unless an earlier call failed; keeps the first error.
    pub fn call(&self, name: &str, args: impl ScriptArgs) -> Option<Dynamic> {
        if self.failure.borrow().is_some() {
            return None;
        }
        match self.sandbox.call(&self.ast, name, args.into_args()) {
            Ok(v) => Some(v),
            Err(e) => {
                *self.failure.borrow_mut() = Some(e);
                None
            }
        }
    }

    /// Like [`Script::call`], but answers from the last call when `key` (the arguments, flattened
    /// with lengths so that different argument lists never share a key) is the same.
    ///
    /// A Raft leader asks about its commit index after every reply and followers see the same
    /// heartbeat again and again, with arguments that did not change; the learner's function is
    /// pure (a script has no state, no clock and no randomness), so the same arguments get the
    /// same answer without running it.
    pub fn call_pure<A: ScriptArgs>(
        &self,
        name: &str,
        key: Vec<u64>,
        args: impl FnOnce() -> A,
    ) -> Option<Dynamic> {
        if let Some((k, v)) = &*self.last_call.borrow() {
            if *k == key && self.failure.borrow().is_none() {
                return Some(v.clone());
            }
        }
        let v = self.call(name, args())?;
        *self.last_call.borrow_mut() = Some((key, v.clone()));
        Some(v)
    }

    /// Records a result of the wrong kind as the schedule's failure (the first one stays).
    pub fn fail(&self, message: String) {
        let mut failure = self.failure.borrow_mut();
        if failure.is_none() {
            *failure = Some(CodeError {
                line: 0,
                col: 0,
                message,
            });
        }
    }

    /// Takes the first failure, if any call failed since the last take.
    pub fn take_failure(&self) -> Option<CodeError> {
        self.failure.borrow_mut().take()
    }
}
