/** The books Penny's shop starts with. */
export interface Book {
  isbn: string;
  title: string;
  author: string;
  year: number | null;
}

export const SEED_BOOKS: readonly Book[] = [
  { isbn: "9780441172719", title: "Dune", author: "Frank Herbert", year: 1965 },
  { isbn: "9780441013593", title: "Dune Messiah", author: "Frank Herbert", year: 1969 },
  { isbn: "9780547928227", title: "The Hobbit", author: "J. R. R. Tolkien", year: 1937 },
  { isbn: "9780544003415", title: "The Lord of the Rings", author: "J. R. R. Tolkien", year: 1954 },
  { isbn: "9780451524935", title: "Nineteen Eighty-Four", author: "George Orwell", year: 1949 },
  { isbn: "9780452284234", title: "Animal Farm", author: "George Orwell", year: 1945 },
  { isbn: "9780060850524", title: "Brave New World", author: "Aldous Huxley", year: 1932 },
  { isbn: "9781451673319", title: "Fahrenheit 451", author: "Ray Bradbury", year: 1953 },
  { isbn: "9780553283686", title: "Hyperion", author: "Dan Simmons", year: 1989 },
  { isbn: "9780553293357", title: "Foundation", author: "Isaac Asimov", year: 1951 },
  { isbn: "9780553382563", title: "I, Robot", author: "Isaac Asimov", year: 1950 },
  { isbn: "9780441569595", title: "Neuromancer", author: "William Gibson", year: 1984 },
  { isbn: "9780553380958", title: "Snow Crash", author: "Neal Stephenson", year: 1992 },
  { isbn: "9780441478125", title: "The Left Hand of Darkness", author: "Ursula K. Le Guin", year: 1969 },
  { isbn: "9780060512750", title: "The Dispossessed", author: "Ursula K. Le Guin", year: 1974 },
  { isbn: "9780547773742", title: "A Wizard of Earthsea", author: "Ursula K. Le Guin", year: 1968 },
  { isbn: "9780345391803", title: "The Hitchhiker's Guide to the Galaxy", author: "Douglas Adams", year: 1979 },
  { isbn: "9780575094185", title: "Solaris", author: "Stanisław Lem", year: 1961 },
  { isbn: "9780141439518", title: "Pride and Prejudice", author: "Jane Austen", year: 1813 },
  { isbn: "9780141439662", title: "Sense and Sensibility", author: "Jane Austen", year: 1811 },
  { isbn: "9780141441146", title: "Jane Eyre", author: "Charlotte Brontë", year: 1847 },
  { isbn: "9780141439556", title: "Wuthering Heights", author: "Emily Brontë", year: 1847 },
  { isbn: "9780142437230", title: "Don Quixote", author: "Miguel de Cervantes", year: 1605 },
  { isbn: "9780140449136", title: "Crime and Punishment", author: "Fyodor Dostoevsky", year: 1866 },
  { isbn: "9780374528379", title: "The Brothers Karamazov", author: "Fyodor Dostoevsky", year: 1880 },
  { isbn: "9780143039433", title: "The Grapes of Wrath", author: "John Steinbeck", year: 1939 },
  { isbn: "9780060883287", title: "One Hundred Years of Solitude", author: "Gabriel García Márquez", year: 1967 },
  { isbn: "9780679720201", title: "The Stranger", author: "Albert Camus", year: 1942 },
  { isbn: "9780062316097", title: "The Name of the Rose", author: "Umberto Eco", year: 1980 },
  { isbn: "9780262510875", title: "Structure and Interpretation of Computer Programs", author: "Harold Abelson, Gerald Jay Sussman", year: 1996 },
  { isbn: "9780131103627", title: "The C Programming Language", author: "Brian W. Kernighan, Dennis M. Ritchie", year: 1988 },
  { isbn: "9780201633610", title: "Design Patterns", author: "Erich Gamma, Richard Helm, Ralph Johnson, John Vlissides", year: 1994 },
  { isbn: "9780201616224", title: "The Pragmatic Programmer", author: "Andrew Hunt, David Thomas", year: 1999 },
  { isbn: "9780465026562", title: "Gödel, Escher, Bach", author: "Douglas R. Hofstadter", year: 1979 },
];
