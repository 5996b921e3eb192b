#pragma once

#include <QDialog>
#include <QWidget>

#include "consolecontext.h"
#include "store/records.h"

class QCheckBox;
class QLineEdit;
class QPlainTextEdit;
class QProgressDialog;
class QPushButton;
class QSettings;
class QTableView;

namespace Maskline {

class MessageBanner;
class NumberModel;
class ServiceCombo;

// Numbers: one Service's pool. Add one, or paste a list / import a CSV (with a progress bar); reserve or release;
// remove (the engine refuses while a number is in use, and says why); "who holds this number".
class NumbersPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NumbersPane)

public:
    explicit NumbersPane(const ConsoleContext &context, QWidget *parent = nullptr);

    NumberModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    MessageBanner *banner() const { return m_banner; }
    ServiceCombo *serviceCombo() const { return m_service; }
    QLineEdit *numberEdit() const { return m_number; }
    QString serviceSid() const;
    void saveState(QSettings &settings) const;
    void restoreState(QSettings &settings);

    // One number to import: where it came from (1-based line; 0 = not from a text) and its CSV friendly_name.
    struct ImportLine
    {
        int line = 0;
        QString number; // E.164, or a PN… SID
        QString friendlyName;
    };
    struct ImportPlan
    {
        QList<ImportLine> lines;
        QStringList skipped; // "line 3: …", in line order
    };

    // Adds each number in turn (one engine call at a time) with a progress dialog; reports failures per line.
    void importNumbers(const QStringList &numbers, bool reserved);
    void importLines(const QList<ImportLine> &lines, const QStringList &skipped, bool reserved);
    // "+14155550100, +1 415 555 0101\n…" or a CSV whose first column (or a phone_number column) holds numbers.
    static QStringList parseNumberList(const QString &text);
    // The same texts, with numbers written nationally ("(415) 555-9004") read as numbers of `region` (libphonenumber)
    // and anything else reported by line number; a CSV's friendly_name column names the numbers.
    static ImportPlan parseImport(const QString &text, const QString &region);
    // The country national numbers are read in: the Service pool's (its numbers' iso_country), else the system
    // locale's, else US.
    QString serviceCountry() const;

public Q_SLOTS:
    void addNumber();
    void showImportDialog();
    void toggleReserved();
    void removeSelected();
    void showHolders();
    // Simulator pools: edit the selected number's voice / SMS / MMS / fax (a carrier's numbers take theirs from it).
    void editCapabilities();

Q_SIGNALS:
    // "Who holds this number": the Sessions pane filters on it.
    void holdersRequested(const QString &serviceSid, const QString &numberSid, const QString &number);

private:
    void showContextMenu(const QPoint &pos);
    void importNext();

    ConsoleContext m_ctx;
    NumberModel *m_model = nullptr;
    ServiceCombo *m_service = nullptr;
    QTableView *m_view = nullptr;
    QLineEdit *m_number = nullptr;
    QCheckBox *m_reserved = nullptr;
    MessageBanner *m_banner = nullptr;

    struct Import
    {
        QList<ImportLine> numbers;
        bool reserved = false;
        int next = 0;
        int added = 0;
        QStringList skipped;
        QStringList failures;
        QProgressDialog *progress = nullptr;
    } m_import;
};

// Paste a list or open a CSV file of numbers to add to the pool.
class ImportNumbersDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImportNumbersDialog)

public:
    // region: the country numbers written without +country code are read in.
    explicit ImportNumbersDialog(const QString &region = QStringLiteral("US"), QWidget *parent = nullptr);
    QStringList numbers() const;
    NumbersPane::ImportPlan plan() const;
    bool reserved() const;
    QPlainTextEdit *editor() const { return m_text; }

private:
    void openFile();

    QString m_region;
    QPlainTextEdit *m_text = nullptr;
    QCheckBox *m_reserved = nullptr;
};

// A pool number's capabilities, as check boxes.
class CapabilitiesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CapabilitiesDialog)

public:
    CapabilitiesDialog(const QString &number, const Capabilities &current, QWidget *parent = nullptr);
    Capabilities capabilities() const;
    QCheckBox *box(int i) const { return m_boxes.value(i); } // 0 voice, 1 SMS, 2 MMS, 3 fax
    QPushButton *okButton() const { return m_ok; }

private:
    QList<QCheckBox *> m_boxes;
    QPushButton *m_ok = nullptr;
};

} // namespace Maskline
